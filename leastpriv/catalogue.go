package leastpriv

//go:generate go run gen_catalogue.go -data data -o catalogue_gen.go

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// ActionClass groups DynamoDB actions by what they expose. It is this
// package's grouping for least-privilege generation and for the rules, not an
// AWS term; the class of every action comes from data/dynamodb-actions.tsv.
type ActionClass string

// The action classes.
const (
	ClassItemRead         ActionClass = "item-read"         // read items: GetItem, Query, Scan...
	ClassItemWrite        ActionClass = "item-write"        // write items: PutItem, UpdateItem...
	ClassStreamRead       ActionClass = "stream-read"       // read change records from DynamoDB Streams
	ClassMetadataRead     ActionClass = "metadata-read"     // describe tables and settings, no item data
	ClassControlPlane     ActionClass = "control-plane"     // create/update tables, tags, settings
	ClassDestructiveAdmin ActionClass = "destructive-admin" // delete tables/backups, disable protections
	ClassBulkData         ActionClass = "bulk-data"         // export/import/backup/restore/replication
	ClassPermissions      ActionClass = "permissions"       // resource policies, ABAC
	ClassAccountLevel     ActionClass = "account-level"     // Resource "*" only, account-wide listings
)

// IsData reports whether actions of the class read, write or move item data
// or change who may: item-read, item-write, stream-read, bulk-data and
// permissions. These are the classes rule PI001 and PI002 care about.
func (c ActionClass) IsData() bool {
	switch c {
	case ClassItemRead, ClassItemWrite, ClassStreamRead, ClassBulkData, ClassPermissions:
		return true
	}
	return false
}

// ActionInfo describes one DynamoDB IAM action from the AWS Service
// Authorization Reference.
type ActionInfo struct {
	Name        string      // "dynamodb:GetItem"
	AccessLevel string      // AWS access level: "Read", "Write", "List", "Permissions management, Write"...
	Class       ActionClass // this package's grouping
	// ResourceTypes are the DynamoDB resource types (table, index, stream,
	// backup, export, import, global-table) the action accepts;
	// RequiredResourceTypes those of them AWS marks as required.
	ResourceTypes         []string
	RequiredResourceTypes []string
	// WildcardResourceOnly is true for actions that accept only
	// Resource "*" (no resource types).
	WildcardResourceOnly bool
	ConditionKeys        []string
	Description          string
}

// AcceptsResourceType reports whether the action accepts resource type t.
func (a ActionInfo) AcceptsResourceType(t string) bool {
	for _, rt := range a.ResourceTypes {
		if rt == t {
			return true
		}
	}
	return false
}

var (
	catalogueOnce    sync.Once
	catalogueByLower map[string]int
	// actionResourcePatterns[i] holds glob patterns of all ARNs action i
	// accepts, one per resource type.
	actionResourcePatterns [][]string
	// resourceTypePatterns are the glob patterns of the distinct resource
	// types; actionResourceMask[i] has bit k set when action i accepts
	// resource type k. A Resource pattern is compared with each resource
	// type once (resourcePattern.types), not once per action.
	resourceTypePatterns []string
	actionResourceMask   []uint64
	// resourceTypeTemplates are the same types with each template
	// variable written as templateOne+templateMore (one or more bytes
	// other than '/' and ':'), for templateIntersect: a table name holds
	// no '/', so "table/carts/*" reaches indexes and streams, not tables.
	resourceTypeTemplates []ARN
)

var templateVar = regexp.MustCompile(`\$\{[^}]*\}`)

func loadCatalogue() {
	catalogueOnce.Do(func() {
		catalogueByLower = make(map[string]int, len(dynamodbActions))
		actionResourcePatterns = make([][]string, len(dynamodbActions))
		actionResourceMask = make([]uint64, len(dynamodbActions))
		typeIndex := map[string]int{}
		for i, a := range dynamodbActions {
			catalogueByLower[strings.ToLower(a.Name)] = i
			for _, t := range a.ResourceTypes {
				if tmpl, ok := dynamodbResourceTypes[t]; ok {
					pat := templateVar.ReplaceAllString(tmpl, "*")
					actionResourcePatterns[i] = append(actionResourcePatterns[i], pat)
					k, ok := typeIndex[pat]
					if !ok {
						k = len(resourceTypePatterns)
						if k == 64 {
							panic("leastpriv: more than 64 DynamoDB resource types")
						}
						typeIndex[pat] = k
						resourceTypePatterns = append(resourceTypePatterns, pat)
						t, err := ParseARN(templateVar.ReplaceAllString(tmpl, templateOne+templateMore))
						if err != nil {
							panic("leastpriv: bad resource type template " + tmpl)
						}
						resourceTypeTemplates = append(resourceTypeTemplates, t)
					}
					actionResourceMask[i] |= 1 << k
				}
			}
		}
	})
}

// DynamoDBActions returns the catalogue of all DynamoDB IAM actions, sorted
// by name. The slice is a copy.
func DynamoDBActions() []ActionInfo {
	out := make([]ActionInfo, len(dynamodbActions))
	copy(out, dynamodbActions)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupDynamoDBAction finds an action by name, case-insensitively (IAM
// action names are case-insensitive). The name must include the
// "dynamodb:" prefix.
func LookupDynamoDBAction(name string) (ActionInfo, bool) {
	loadCatalogue()
	i, ok := catalogueByLower[strings.ToLower(name)]
	if !ok {
		return ActionInfo{}, false
	}
	return dynamodbActions[i], true
}

// DynamoDBResourceTypeARN returns the ARN template of a DynamoDB resource
// type, for example "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}".
func DynamoDBResourceTypeARN(resourceType string) (string, bool) {
	t, ok := dynamodbResourceTypes[resourceType]
	return t, ok
}
