package leastpriv

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Access is a named set of DynamoDB actions for a table grant.
type Access string

// Access levels. The exact actions are listed in AccessActions and in the
// table in the package documentation.
const (
	// AccessRead: dynamodb:GetItem, BatchGetItem, Query, Scan,
	// ConditionCheckItem, DescribeTable. ConditionCheckItem is how
	// TransactWriteItems condition checks and TransactGetItems-style reads
	// are authorised (there are no transaction actions in IAM); it reveals
	// no more than GetItem. DescribeTable returns only metadata (key
	// schema, indexes, stream ARN) and is what the SDKs' higher-level
	// clients (DynamoDB Enhanced Client, boto3 Table resources, .NET
	// Table.LoadTable, DynamoDBMapper) call first; without it those
	// clients fail. PartiQLSelect and streams are not included: name them
	// in Actions or set Streams.
	AccessRead Access = "read"
	// AccessWrite: dynamodb:PutItem, UpdateItem, DeleteItem,
	// BatchWriteItem, ConditionCheckItem, DescribeTable. ConditionCheckItem
	// is needed for the ConditionCheck part of TransactWriteItems, whose
	// Put/Update/Delete parts are authorised as PutItem/UpdateItem/
	// DeleteItem. Note that writes can return old item values
	// (ReturnValues); IAM authorises that under the write action.
	AccessWrite Access = "write"
	// AccessReadWrite is the union of read and write.
	AccessReadWrite Access = "read_write"
)

// Stream-read actions granted on TABLE/stream/* when TableGrant.Streams is
// set. dynamodb:ListStreams is not among them: it accepts only Resource "*"
// and is granted only when listed in TableGrant.Actions.
var streamReadActions = []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}

var accessActions = map[Access][]string{
	AccessRead: {"dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem",
		"dynamodb:Query", "dynamodb:Scan"},
	AccessWrite: {"dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable",
		"dynamodb:PutItem", "dynamodb:UpdateItem"},
	AccessReadWrite: {"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
		"dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"},
}

// AccessActions returns the DynamoDB actions of an access level, sorted. The
// empty Access means AccessRead.
func AccessActions(a Access) ([]string, error) {
	if a == "" {
		a = AccessRead
	}
	acts, ok := accessActions[a]
	if !ok {
		return nil, &ValidationError{
			Summary: "Invalid Access Level",
			Detail:  fmt.Sprintf("Access %q is not one of \"read\", \"write\", \"read_write\".", string(a)),
		}
	}
	return append([]string(nil), acts...), nil
}

// StreamReadActions returns the actions granted on TABLE/stream/* when a
// grant sets Streams.
func StreamReadActions() []string { return append([]string(nil), streamReadActions...) }

// TableGrant asks for access to one DynamoDB table.
type TableGrant struct {
	// TableARN is the ARN of one concrete table (see ValidateTableARN).
	TableARN string
	// Access selects a named action set; empty means AccessRead. Ignored
	// (and must be empty) when Actions is set.
	Access Access
	// Actions lists explicit actions instead of Access (see
	// ValidateActions). Actions that accept only Resource "*" are granted
	// in a separate statement.
	Actions []string
	// Indexes extends the actions that work on secondary indexes (Query,
	// Scan, PartiQLSelect...) to TABLE/index/*.
	Indexes bool
	// Streams grants DescribeStream, GetRecords and GetShardIterator on
	// TABLE/stream/*.
	Streams bool
}

// GeneratePolicy returns the minimal identity policy for the grants.
//
// For each table, in the order of the table ARNs:
//
//   - statement "<Level>Items<Table>" (Level is Read, Write, ReadWrite, or
//     Selected for explicit Actions) grants the table actions on the exact
//     table ARN;
//   - with Indexes, statement "<Level>Indexes<Table>" grants those of the
//     actions that accept the index resource type on TABLE_ARN/index/*;
//   - with Streams (or explicit stream actions), statement
//     "ReadStreams<Table>" grants the stream actions on
//     TABLE_ARN/stream/*.
//
// Actions that accept only Resource "*" are granted only when listed in
// Actions, all together in a final statement "ResourceWildcardActions" on
// "*". <Table> is the table name in CamelCase with non-alphanumerics
// removed; a number is appended if two tables map to the same Sid.
//
// Tables with identical actions are deliberately not merged into one
// statement: one statement per table keeps every Sid tied to one table, so
// adding or removing a table changes only its own statements in a plan
// diff. Actions within a statement are sorted by name.
func GeneratePolicy(grants []TableGrant) (*Policy, error) {
	if len(grants) == 0 {
		return nil, &ValidationError{Summary: "No Table Grants", Detail: "At least one table grant is needed to generate a policy."}
	}
	sorted := append([]TableGrant(nil), grants...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].TableARN < sorted[j].TableARN })
	p := &Policy{Version: PolicyVersion}
	wildcard := map[string]bool{}
	usedSids := map[string]bool{}
	for i, g := range sorted {
		if i > 0 && g.TableARN == sorted[i-1].TableARN {
			return nil, &ValidationError{Summary: "Duplicate Table Grant", Detail: fmt.Sprintf("Table %q has more than one grant.", g.TableARN), Hint: "Combine them into one grant."}
		}
		if err := ValidateTableARN(g.TableARN); err != nil {
			return nil, err
		}
		level, actions, err := grantActions(g)
		if err != nil {
			return nil, err
		}
		var tableActs, indexActs, streamActs []string
		for _, name := range actions {
			info, _ := LookupDynamoDBAction(name)
			switch {
			case info.WildcardResourceOnly:
				wildcard[info.Name] = true
			case info.AcceptsResourceType("table"):
				tableActs = append(tableActs, info.Name)
				if g.Indexes && info.AcceptsResourceType("index") {
					indexActs = append(indexActs, info.Name)
				}
			case info.AcceptsResourceType("stream"):
				streamActs = append(streamActs, info.Name)
			case info.AcceptsResourceType("index"):
				indexActs = append(indexActs, info.Name)
			}
		}
		if g.Streams {
			streamActs = append(streamActs, streamReadActions...)
		}
		if g.Indexes && len(indexActs) == 0 {
			return nil, &ValidationError{
				Summary: "Indexes Without Index Actions",
				Detail:  fmt.Sprintf("The grant for %q sets indexes, but none of its actions work on secondary indexes.", g.TableARN),
				Hint:    "Use access \"read\" or \"read_write\" (Query and Scan work on indexes), or unset indexes.",
			}
		}
		table := sidPart(tableName(g.TableARN))
		add := func(kind string, acts []string, resource string) {
			acts = sortedUnique(acts)
			if len(acts) == 0 {
				return
			}
			sid := uniqueSid(kind+table, usedSids)
			p.Statements = append(p.Statements, Statement{Sid: sid, Effect: EffectAllow, Action: acts, Resource: []string{resource}})
		}
		add(level+"Items", tableActs, g.TableARN)
		add(level+"Indexes", indexActs, g.TableARN+"/index/*")
		add("ReadStreams", streamActs, g.TableARN+"/stream/*")
	}
	if len(wildcard) > 0 {
		p.Statements = append(p.Statements, Statement{Sid: uniqueSid("ResourceWildcardActions", usedSids), Effect: EffectAllow, Action: slices.Sorted(maps.Keys(wildcard)), Resource: []string{"*"}})
	}
	return p, nil
}

// grantActions resolves a grant's actions and the Sid prefix naming them.
func grantActions(g TableGrant) (level string, actions []string, err error) {
	if len(g.Actions) > 0 {
		if g.Access != "" {
			return "", nil, &ValidationError{
				Summary: "Conflicting Access and Actions",
				Detail:  fmt.Sprintf("The grant for %q sets both access (%q) and actions.", g.TableARN, string(g.Access)),
				Hint:    "Set access for a standard action set, or actions for an explicit list, not both.",
			}
		}
		if err := ValidateActions(g.Actions); err != nil {
			return "", nil, err
		}
		for _, a := range g.Actions {
			info, _ := LookupDynamoDBAction(a)
			actions = append(actions, info.Name)
		}
		return "Selected", actions, nil
	}
	actions, err = AccessActions(g.Access)
	if err != nil {
		return "", nil, err
	}
	switch g.Access {
	case AccessWrite:
		level = "Write"
	case AccessReadWrite:
		level = "ReadWrite"
	default:
		level = "Read"
	}
	return level, actions, nil
}

func tableName(tableARN string) string {
	a, err := ParseARN(tableARN)
	if err != nil {
		return tableARN
	}
	return strings.TrimPrefix(a.Resource, "table/")
}

// sidPart turns a table name into CamelCase alphanumerics: "carts-prod" →
// "CartsProd".
func sidPart(name string) string {
	var b strings.Builder
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum {
			upper = true
			continue
		}
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		upper = false
		b.WriteByte(c)
	}
	return b.String()
}

func uniqueSid(sid string, used map[string]bool) string {
	s := sid
	for n := 2; used[s]; n++ {
		s = fmt.Sprintf("%s%d", sid, n)
	}
	used[s] = true
	return s
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	j := 0
	for i := range out {
		if i == 0 || out[i] != out[j-1] {
			out[j] = out[i]
			j++
		}
	}
	return out[:j]
}
