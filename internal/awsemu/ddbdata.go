package awsemu

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// DynamoDB data plane on seeded tables: GetItem, PutItem, UpdateItem,
// DeleteItem, Query, Scan, BatchGetItem, BatchWriteItem, plus DeleteTable.
// Every call is authorised (authz.go) before the table is looked up, as
// DynamoDB does: a caller without access learns nothing about the table.
// Expressions only (ConditionExpression, KeyConditionExpression,
// FilterExpression, UpdateExpression, ProjectionExpression); the legacy
// parameters (Expected, KeyConditions, ScanFilter, AttributesToGet,
// AttributeUpdates, QueryFilter) answer ValidationException.

func init() {
	for op, h := range map[string]handlerFunc{
		"GetItem": ddbGetItem, "PutItem": ddbPutItem, "UpdateItem": ddbUpdateItem, "DeleteItem": ddbDeleteItem,
		"Query": ddbQuery, "Scan": ddbScan, "BatchGetItem": ddbBatchGetItem, "BatchWriteItem": ddbBatchWriteItem,
		"DeleteTable": ddbDeleteTable,
	} {
		dynamoHandlers[op] = h
	}
}

// itemStore holds a table's items by canonical key.
type itemStore struct{ m map[string]item }

func newItemStore() *itemStore { return &itemStore{m: map[string]item{}} }

func (s *itemStore) put(k string, it item) { s.m[k] = it }

// list returns the items in a stable order (by canonical key).
func (s *itemStore) list() []item {
	if s == nil {
		return nil
	}
	keys := make([]string, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]item, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.m[k])
	}
	return out
}

func decodeItem(raw map[string]json.RawMessage) (item, error) {
	it := item{}
	for k, v := range raw {
		var a av
		if err := json.Unmarshal(v, &a); err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		if err := a.validate(); err != nil {
			return nil, err
		}
		it[k] = &a
	}
	return it, nil
}

func (t *Table) attrType(name string) string {
	for _, a := range t.Attributes {
		if a.AttributeName == name {
			return a.AttributeType
		}
	}
	return "S"
}

// checkKey verifies that it carries the key attributes of schema with the
// declared types.
func (t *Table) checkKey(it item, schema []SeedKey, what string) error {
	for _, k := range schema {
		v := it[k.AttributeName]
		if v == nil {
			return fmt.Errorf("One or more parameter values were invalid: Missing the key %s in the %s", k.AttributeName, what)
		}
		if v.typ() != t.attrType(k.AttributeName) {
			return fmt.Errorf("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", k.AttributeName, t.attrType(k.AttributeName), v.typ())
		}
	}
	return nil
}

func (t *Table) keyOf(it item) string {
	var b strings.Builder
	for _, k := range t.KeySchema {
		b.WriteString(it[k.AttributeName].keyString())
		b.WriteByte(0)
	}
	return b.String()
}

func (t *Table) keyItem(it item) item {
	out := item{}
	for _, k := range t.KeySchema {
		out[k.AttributeName] = it[k.AttributeName].clone()
	}
	return out
}

// ddbReq is the union of the request members the handlers read.
type ddbReq struct {
	TableName                 string                     `json:"TableName"`
	Key                       map[string]json.RawMessage `json:"Key"`
	Item                      map[string]json.RawMessage `json:"Item"`
	ConditionExpression       *string                    `json:"ConditionExpression"`
	KeyConditionExpression    *string                    `json:"KeyConditionExpression"`
	FilterExpression          *string                    `json:"FilterExpression"`
	UpdateExpression          *string                    `json:"UpdateExpression"`
	ProjectionExpression      *string                    `json:"ProjectionExpression"`
	ExpressionAttributeNames  map[string]string          `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues map[string]json.RawMessage `json:"ExpressionAttributeValues"`
	ReturnValues              string                     `json:"ReturnValues"`
	IndexName                 string                     `json:"IndexName"`
	Limit                     *int                       `json:"Limit"`
	ExclusiveStartKey         map[string]json.RawMessage `json:"ExclusiveStartKey"`
	ScanIndexForward          *bool                      `json:"ScanIndexForward"`
	Select                    string                     `json:"Select"`
	RequestItems              map[string]json.RawMessage `json:"RequestItems"`
	Expected                  json.RawMessage            `json:"Expected"`
	KeyConditions             json.RawMessage            `json:"KeyConditions"`
	ScanFilter                json.RawMessage            `json:"ScanFilter"`
	QueryFilter               json.RawMessage            `json:"QueryFilter"`
	AttributesToGet           json.RawMessage            `json:"AttributesToGet"`
	AttributeUpdates          json.RawMessage            `json:"AttributeUpdates"`
}

// ddbValidation answers a ValidationException.
func (c *call) ddbValidation(msg string) { c.fail("ValidationException", 400, msg) }

// decodeReq parses the body and rejects legacy parameters.
func (c *call) decodeReq(in *ddbReq) bool {
	if err := json.Unmarshal(c.body, in); err != nil {
		c.fail("SerializationException", 400, "Start of structure or map found where not expected")
		return false
	}
	for name, v := range map[string]json.RawMessage{"Expected": in.Expected, "KeyConditions": in.KeyConditions,
		"ScanFilter": in.ScanFilter, "QueryFilter": in.QueryFilter, "AttributesToGet": in.AttributesToGet, "AttributeUpdates": in.AttributeUpdates} {
		if len(v) > 0 && string(v) != "null" {
			c.ddbValidation("awsemu supports expressions only: use the expression form of the legacy parameter " + name)
			return false
		}
	}
	return true
}

// ddbTable authorises action on the named table (or index) and finds it.
func (c *call) ddbTable(p principal, action, name, index string) *Table {
	if name == "" {
		c.ddbValidation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
		return nil
	}
	c.resource = name
	res := c.st.tableARN(name)
	if index != "" {
		res += "/index/" + index
	}
	if !c.authorize(p, action, res) {
		return nil
	}
	t := c.st.tables[name]
	if t == nil {
		for _, x := range c.st.tables {
			if x.ARN == name {
				t = x
			}
		}
	}
	if t == nil {
		c.fail("ResourceNotFoundException", 400, "Requested resource not found")
		return nil
	}
	return t
}

func (c *call) exprCtx(in *ddbReq) (*exprCtx, bool) {
	ctx := &exprCtx{names: in.ExpressionAttributeNames, values: map[string]*av{}, used: map[string]bool{}}
	for k, raw := range in.ExpressionAttributeValues {
		var a av
		if err := json.Unmarshal(raw, &a); err != nil {
			c.fail("SerializationException", 400, err.Error())
			return nil, false
		}
		if err := a.validate(); err != nil {
			c.ddbValidation("ExpressionAttributeValues contains invalid value: " + err.Error() + " for key " + k)
			return nil, false
		}
		ctx.values[k] = &a
	}
	return ctx, true
}

// checkUnused rejects placeholders no expression used, as DynamoDB does.
func (c *call) checkUnused(ctx *exprCtx) bool {
	var unusedN, unusedV []string
	for k := range ctx.names {
		if !ctx.used[k] {
			unusedN = append(unusedN, k)
		}
	}
	for k := range ctx.values {
		if !ctx.used[k] {
			unusedV = append(unusedV, k)
		}
	}
	sort.Strings(unusedN)
	sort.Strings(unusedV)
	switch {
	case len(unusedN) > 0:
		c.ddbValidation("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + strings.Join(unusedN, ", ") + "}")
	case len(unusedV) > 0:
		c.ddbValidation("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + strings.Join(unusedV, ", ") + "}")
	default:
		return true
	}
	return false
}

// keyFromReq decodes and checks a Key against the table's schema (exactly
// the key attributes).
func (c *call) keyFromReq(t *Table, raw map[string]json.RawMessage) (item, bool) {
	k, err := decodeItem(raw)
	if err == nil && len(k) != len(t.KeySchema) {
		err = fmt.Errorf("The provided key element does not match the schema")
	}
	if err == nil {
		if t.checkKey(k, t.KeySchema, "key") != nil {
			err = fmt.Errorf("The provided key element does not match the schema")
		}
	}
	if err != nil {
		c.ddbValidation(err.Error())
		return nil, false
	}
	return k, true
}

// optional compiles an optional condition (nil => always true).
func (c *call) optionalCond(src *string, kind string, ctx *exprCtx) (cond, bool) {
	if src == nil {
		return func(item) bool { return true }, true
	}
	cd, err := parseCondition(*src, kind, ctx)
	if err != nil {
		c.ddbValidation(err.Error())
		return nil, false
	}
	return cd, true
}

func (c *call) projection(src *string, ctx *exprCtx) ([]exprPath, bool) {
	if src == nil {
		return nil, true
	}
	ps, err := parseProjection(*src, ctx)
	if err != nil {
		c.ddbValidation(err.Error())
		return nil, false
	}
	return ps, true
}

func (c *call) conditionFailed() {
	c.fail("ConditionalCheckFailedException", 400, "The conditional request failed")
}

// itemRequest is the start of every single-item call (GetItem, UpdateItem,
// DeleteItem): the caller, the request, the authorised table, the
// expression context and the item's key. ok is false when the call has
// already been answered with an error.
func (c *call) itemRequest(action string, in *ddbReq) (t *Table, ctx *exprCtx, key item, ok bool) {
	p, ok := c.caller()
	if !ok || !c.decodeReq(in) {
		return nil, nil, nil, false
	}
	if t = c.ddbTable(p, action, in.TableName, ""); t == nil {
		return nil, nil, nil, false
	}
	if ctx, ok = c.exprCtx(in); !ok {
		return nil, nil, nil, false
	}
	if key, ok = c.keyFromReq(t, in.Key); !ok {
		return nil, nil, nil, false
	}
	return t, ctx, key, true
}

func ddbGetItem(c *call) {
	var in ddbReq
	t, ctx, key, ok := c.itemRequest("dynamodb:GetItem", &in)
	if !ok {
		return
	}
	proj, ok := c.projection(in.ProjectionExpression, ctx)
	if !ok || !c.checkUnused(ctx) {
		return
	}
	out := map[string]any{}
	if it := t.items.m[t.keyOf(key)]; it != nil {
		out["Item"] = project(it, proj)
	}
	c.jsonResult(out)
}

func ddbPutItem(c *call) {
	var in ddbReq
	p, ok := c.caller()
	if !ok || !c.decodeReq(&in) {
		return
	}
	t := c.ddbTable(p, "dynamodb:PutItem", in.TableName, "")
	if t == nil {
		return
	}
	ctx, ok := c.exprCtx(&in)
	if !ok {
		return
	}
	it, err := decodeItem(in.Item)
	if err == nil {
		err = t.checkKey(it, t.KeySchema, "item")
	}
	if err != nil {
		c.ddbValidation(err.Error())
		return
	}
	if in.ReturnValues != "" && in.ReturnValues != "NONE" && in.ReturnValues != "ALL_OLD" {
		c.ddbValidation("ReturnValues can only be ALL_OLD or NONE")
		return
	}
	check, ok := c.optionalCond(in.ConditionExpression, "ConditionExpression", ctx)
	if !ok || !c.checkUnused(ctx) {
		return
	}
	k := t.keyOf(it)
	old := t.items.m[k]
	if !check(orEmpty(old)) {
		c.conditionFailed()
		return
	}
	t.items.put(k, it)
	out := map[string]any{}
	if in.ReturnValues == "ALL_OLD" && old != nil {
		out["Attributes"] = old
	}
	c.jsonResult(out)
}

func orEmpty(it item) item {
	if it == nil {
		return item{}
	}
	return it
}

func ddbDeleteItem(c *call) {
	var in ddbReq
	t, ctx, key, ok := c.itemRequest("dynamodb:DeleteItem", &in)
	if !ok {
		return
	}
	if in.ReturnValues != "" && in.ReturnValues != "NONE" && in.ReturnValues != "ALL_OLD" {
		c.ddbValidation("ReturnValues can only be ALL_OLD or NONE")
		return
	}
	check, ok := c.optionalCond(in.ConditionExpression, "ConditionExpression", ctx)
	if !ok || !c.checkUnused(ctx) {
		return
	}
	k := t.keyOf(key)
	old := t.items.m[k]
	if !check(orEmpty(old)) {
		c.conditionFailed()
		return
	}
	delete(t.items.m, k)
	out := map[string]any{}
	if in.ReturnValues == "ALL_OLD" && old != nil {
		out["Attributes"] = old
	}
	c.jsonResult(out)
}

func ddbUpdateItem(c *call) {
	var in ddbReq
	t, ctx, key, ok := c.itemRequest("dynamodb:UpdateItem", &in)
	if !ok {
		return
	}
	switch in.ReturnValues {
	case "", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW":
	default:
		c.ddbValidation("1 validation error detected: Value '" + in.ReturnValues + "' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
		return
	}
	var upd update
	if in.UpdateExpression != nil {
		var err error
		if upd, err = parseUpdate(*in.UpdateExpression, ctx); err != nil {
			c.ddbValidation(err.Error())
			return
		}
	}
	check, ok := c.optionalCond(in.ConditionExpression, "ConditionExpression", ctx)
	if !ok || !c.checkUnused(ctx) {
		return
	}
	k := t.keyOf(key)
	old := t.items.m[k]
	if !check(orEmpty(old)) {
		c.conditionFailed()
		return
	}
	next := key.clone()
	if old != nil {
		next = old.clone()
	}
	if upd != nil {
		if err := upd(next); err != nil {
			c.ddbValidation(err.Error())
			return
		}
	}
	if err := t.checkKey(next, t.KeySchema, "item"); err != nil || t.keyOf(next) != k {
		c.ddbValidation("One or more parameter values were invalid: Cannot update attribute " + t.KeySchema[0].AttributeName + ". This attribute is part of the key")
		return
	}
	t.items.put(k, next)
	out := map[string]any{}
	changed := func(a, b item) item {
		d := item{}
		for n, v := range a {
			if _, isKey := key[n]; isKey {
				continue // key attributes are never "updated"
			}
			if w, ok := b[n]; !ok || !equalAV(v, w) {
				d[n] = v
			}
		}
		return d
	}
	switch in.ReturnValues {
	case "ALL_OLD":
		if old != nil {
			out["Attributes"] = old
		}
	case "ALL_NEW":
		out["Attributes"] = next
	case "UPDATED_OLD":
		if d := changed(orEmpty(old), next); len(d) > 0 {
			out["Attributes"] = d
		}
	case "UPDATED_NEW":
		if d := changed(next, orEmpty(old)); len(d) > 0 {
			out["Attributes"] = d
		}
	}
	c.jsonResult(out)
}

// keysOf returns the key schema used to read a table or one of its indexes.
func (t *Table) keysOf(index string) ([]SeedKey, bool) {
	if index == "" {
		return t.KeySchema, true
	}
	for _, ix := range append(append([]SeedIndex{}, t.GlobalSecondaryIndexes...), t.LocalSecondaryIndexes...) {
		if ix.Name == index {
			return ix.KeySchema, true
		}
	}
	return nil, false
}

// readItems lists the items of a table or index in its key order (sparse
// indexes hold only the items that carry the index key).
func (t *Table) readItems(schema []SeedKey) []item {
	var out []item
	for _, it := range t.items.list() {
		ok := true
		for _, k := range schema {
			if it[k.AttributeName] == nil {
				ok = false
			}
		}
		if ok {
			out = append(out, it)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		for _, k := range schema {
			if c, ok := compareAV(out[i][k.AttributeName], out[j][k.AttributeName]); ok && c != 0 {
				return c < 0
			}
		}
		return false
	})
	return out
}

// page applies ExclusiveStartKey and Limit (Limit counts items read, before
// the filter, as in DynamoDB) and returns the LastEvaluatedKey.
func (c *call) page(t *Table, schema []SeedKey, items []item, in *ddbReq) (read []item, last item, ok bool) {
	start := 0
	if in.ExclusiveStartKey != nil {
		esk, err := decodeItem(in.ExclusiveStartKey)
		if err != nil {
			c.ddbValidation("The provided starting key is invalid: " + err.Error())
			return nil, nil, false
		}
		start = len(items)
		for i, it := range items {
			if t.keyOf(it) == t.keyOf(esk) {
				start = i + 1
				break
			}
		}
	}
	items = items[start:]
	if in.Limit != nil {
		if *in.Limit < 1 {
			c.ddbValidation("1 validation error detected: Value '" + fmt.Sprint(*in.Limit) + "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
			return nil, nil, false
		}
		if *in.Limit < len(items) {
			items = items[:*in.Limit]
			lastIt := items[len(items)-1]
			last = t.keyItem(lastIt)
			for _, k := range schema {
				last[k.AttributeName] = lastIt[k.AttributeName].clone()
			}
		}
	}
	return items, last, true
}

func (c *call) readResult(in *ddbReq, read []item, filter cond, proj []exprPath, last item) {
	var items []item
	for _, it := range read {
		if filter(it) {
			items = append(items, project(it, proj))
		}
	}
	out := map[string]any{"Count": len(items), "ScannedCount": len(read)}
	if in.Select != "COUNT" {
		if items == nil {
			items = []item{}
		}
		out["Items"] = items
	}
	if last != nil {
		out["LastEvaluatedKey"] = last
	}
	c.jsonResult(out)
}

func ddbScan(c *call) {
	var in ddbReq
	p, ok := c.caller()
	if !ok || !c.decodeReq(&in) {
		return
	}
	t := c.ddbTable(p, "dynamodb:Scan", in.TableName, in.IndexName)
	if t == nil {
		return
	}
	schema, ok := t.keysOf(in.IndexName)
	if !ok {
		c.ddbValidation("The table does not have the specified index: " + in.IndexName)
		return
	}
	ctx, ok := c.exprCtx(&in)
	if !ok {
		return
	}
	filter, ok := c.optionalCond(in.FilterExpression, "FilterExpression", ctx)
	if !ok {
		return
	}
	proj, ok := c.projection(in.ProjectionExpression, ctx)
	if !ok || !c.checkUnused(ctx) {
		return
	}
	read, last, ok := c.page(t, schema, t.readItems(schema), &in)
	if !ok {
		return
	}
	c.readResult(&in, read, filter, proj, last)
}

func ddbQuery(c *call) {
	var in ddbReq
	p, ok := c.caller()
	if !ok || !c.decodeReq(&in) {
		return
	}
	t := c.ddbTable(p, "dynamodb:Query", in.TableName, in.IndexName)
	if t == nil {
		return
	}
	schema, ok := t.keysOf(in.IndexName)
	if !ok {
		c.ddbValidation("The table does not have the specified index: " + in.IndexName)
		return
	}
	if in.KeyConditionExpression == nil {
		c.ddbValidation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
		return
	}
	ctx, ok := c.exprCtx(&in)
	if !ok {
		return
	}
	keyCond, ok := c.optionalCond(in.KeyConditionExpression, "KeyConditionExpression", ctx)
	if !ok {
		return
	}
	// The partition key must be tested for equality: every item read must
	// share one partition key value.
	filter, ok := c.optionalCond(in.FilterExpression, "FilterExpression", ctx)
	if !ok {
		return
	}
	proj, ok := c.projection(in.ProjectionExpression, ctx)
	if !ok || !c.checkUnused(ctx) {
		return
	}
	var matched []item
	hashes := map[string]bool{}
	for _, it := range t.readItems(schema) {
		if keyCond(it) {
			matched = append(matched, it)
			hashes[it[schema[0].AttributeName].keyString()] = true
		}
	}
	if msg := keyConditionProblem(*in.KeyConditionExpression, in.ExpressionAttributeNames, schema); msg != "" || len(hashes) > 1 {
		if msg == "" {
			msg = "Query condition missed key schema element: " + schema[0].AttributeName
		}
		c.ddbValidation(msg)
		return
	}
	if in.ScanIndexForward != nil && !*in.ScanIndexForward {
		for i, j := 0, len(matched)-1; i < j; i, j = i+1, j-1 {
			matched[i], matched[j] = matched[j], matched[i]
		}
	}
	read, last, ok := c.page(t, schema, matched, &in)
	if !ok {
		return
	}
	c.readResult(&in, read, filter, proj, last)
}

func ddbBatchGetItem(c *call) {
	var in ddbReq
	p, ok := c.caller()
	if !ok || !c.decodeReq(&in) {
		return
	}
	if len(in.RequestItems) == 0 {
		c.ddbValidation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
		return
	}
	names := slices.Sorted(maps.Keys(in.RequestItems))
	resp := map[string][]item{}
	total := 0
	for _, name := range names {
		var req struct {
			Keys                     []map[string]json.RawMessage `json:"Keys"`
			ProjectionExpression     *string                      `json:"ProjectionExpression"`
			ExpressionAttributeNames map[string]string            `json:"ExpressionAttributeNames"`
		}
		if err := json.Unmarshal(in.RequestItems[name], &req); err != nil {
			c.fail("SerializationException", 400, err.Error())
			return
		}
		t := c.ddbTable(p, "dynamodb:BatchGetItem", name, "")
		if t == nil {
			return
		}
		ctx := &exprCtx{names: req.ExpressionAttributeNames, values: map[string]*av{}, used: map[string]bool{}}
		proj, ok := c.projection(req.ProjectionExpression, ctx)
		if !ok || !c.checkUnused(ctx) {
			return
		}
		resp[t.Name] = []item{}
		for _, raw := range req.Keys {
			total++
			key, ok := c.keyFromReq(t, raw)
			if !ok {
				return
			}
			if it := t.items.m[t.keyOf(key)]; it != nil {
				resp[t.Name] = append(resp[t.Name], project(it, proj))
			}
		}
	}
	if total > 100 {
		c.ddbValidation("Too many items requested for the BatchGetItem call")
		return
	}
	c.jsonResult(map[string]any{"Responses": resp, "UnprocessedKeys": map[string]any{}})
}

func ddbBatchWriteItem(c *call) {
	var in ddbReq
	p, ok := c.caller()
	if !ok || !c.decodeReq(&in) {
		return
	}
	if len(in.RequestItems) == 0 {
		c.ddbValidation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
		return
	}
	type write struct {
		t   *Table
		k   string
		put item
	}
	var writes []write
	seen := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(in.RequestItems)) {
		var reqs []struct {
			PutRequest *struct {
				Item map[string]json.RawMessage `json:"Item"`
			} `json:"PutRequest"`
			DeleteRequest *struct {
				Key map[string]json.RawMessage `json:"Key"`
			} `json:"DeleteRequest"`
		}
		if err := json.Unmarshal(in.RequestItems[name], &reqs); err != nil {
			c.fail("SerializationException", 400, err.Error())
			return
		}
		t := c.ddbTable(p, "dynamodb:BatchWriteItem", name, "")
		if t == nil {
			return
		}
		for _, r := range reqs {
			var w write
			switch {
			case r.PutRequest != nil && r.DeleteRequest == nil:
				it, err := decodeItem(r.PutRequest.Item)
				if err == nil {
					err = t.checkKey(it, t.KeySchema, "item")
				}
				if err != nil {
					c.ddbValidation(err.Error())
					return
				}
				w = write{t: t, k: t.keyOf(it), put: it}
			case r.DeleteRequest != nil && r.PutRequest == nil:
				key, ok := c.keyFromReq(t, r.DeleteRequest.Key)
				if !ok {
					return
				}
				w = write{t: t, k: t.keyOf(key)}
			default:
				c.ddbValidation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
				return
			}
			if seen[t.Name+"\x00"+w.k] {
				c.ddbValidation("Provided list of item keys contains duplicates")
				return
			}
			seen[t.Name+"\x00"+w.k] = true
			writes = append(writes, w)
		}
	}
	if len(writes) > 25 {
		c.ddbValidation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
		return
	}
	for _, w := range writes {
		if w.put != nil {
			w.t.items.put(w.k, w.put)
		} else {
			delete(w.t.items.m, w.k)
		}
	}
	c.jsonResult(map[string]any{"UnprocessedItems": map[string]any{}})
}

func ddbDeleteTable(c *call) {
	var in ddbReq
	p, ok := c.caller()
	if !ok || !c.decodeReq(&in) {
		return
	}
	t := c.ddbTable(p, "dynamodb:DeleteTable", in.TableName, "")
	if t == nil {
		return
	}
	desc := c.tableDescription(t)
	desc["TableStatus"] = "DELETING"
	delete(c.st.tables, t.Name)
	c.jsonResult(map[string]any{"TableDescription": desc})
}

// keyConditionProblem checks a KeyConditionExpression's shape as DynamoDB
// does: an equality on the partition key, optionally AND one condition on
// the sort key; only key attributes; no OR or NOT.
func keyConditionProblem(expr string, names map[string]string, schema []SeedKey) string {
	toks, err := tokenize(expr)
	if err != nil {
		return err.Error()
	}
	isKey := map[string]bool{}
	for _, k := range schema {
		isKey[k.AttributeName] = true
	}
	resolve := func(t exprTok) string {
		if n, ok := names[t.text]; ok {
			return n
		}
		return t.text
	}
	hashEq := false
	for i, t := range toks {
		if t.kind != "name" {
			continue
		}
		switch strings.ToUpper(t.text) {
		case "OR", "NOT":
			return "Invalid operator used in KeyConditionExpression: " + strings.ToUpper(t.text)
		case "AND", "BETWEEN", "BEGINS_WITH":
			continue
		}
		n := resolve(t)
		if !isKey[n] {
			return "Query key condition not supported"
		}
		if n == schema[0].AttributeName {
			next := i + 1
			prev := i - 1
			if (next+1 < len(toks) && toks[next].text == "=" && toks[next+1].kind == "value") ||
				(prev-1 >= 0 && toks[prev].text == "=" && toks[prev-1].kind == "value") {
				hashEq = true
			}
		}
	}
	if !hashEq {
		return "Query condition missed key schema element: " + schema[0].AttributeName
	}
	return ""
}
