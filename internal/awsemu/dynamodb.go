package awsemu

import "slices"

var dynamoHandlers = map[string]handlerFunc{
	"DescribeTable": ddbDescribeTable,
	"ListTables":    ddbListTables,
}

func ddbKeys(ks []SeedKey) []map[string]string {
	out := []map[string]string{}
	for _, k := range ks {
		out = append(out, map[string]string{"AttributeName": k.AttributeName, "KeyType": k.KeyType})
	}
	return out
}

func ddbDescribeTable(c *call) {
	var in ddbReq
	p, ok := c.caller()
	if !ok || !c.decodeReq(&in) {
		return
	}
	t := c.ddbTable(p, "dynamodb:DescribeTable", in.TableName, "")
	if t == nil {
		return
	}
	c.jsonResult(map[string]any{"Table": c.tableDescription(t)})
}

// tableDescription is a TableDescription.
func (c *call) tableDescription(t *Table) map[string]any {
	size := 0
	for _, it := range t.items.m {
		size += it.size()
	}
	attrs := []map[string]string{}
	for _, a := range t.Attributes {
		attrs = append(attrs, map[string]string{"AttributeName": a.AttributeName, "AttributeType": a.AttributeType})
	}
	table := map[string]any{
		"TableName": t.Name, "TableArn": t.ARN, "TableId": t.TableID, "TableStatus": "ACTIVE",
		"KeySchema": ddbKeys(t.KeySchema), "AttributeDefinitions": attrs,
		"CreationDateTime": epoch(t.CreatedAt), "ItemCount": len(t.items.m), "TableSizeBytes": size,
		"ProvisionedThroughput":     map[string]any{"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
		"BillingModeSummary":        map[string]any{"BillingMode": "PAY_PER_REQUEST", "LastUpdateToPayPerRequestDateTime": epoch(t.CreatedAt)},
		"DeletionProtectionEnabled": false,
		"TableClassSummary":         map[string]any{"TableClass": "STANDARD"},
		"WarmThroughput":            map[string]any{"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"},
	}
	if len(t.GlobalSecondaryIndexes) > 0 {
		var gsis []map[string]any
		for _, ix := range t.GlobalSecondaryIndexes {
			gsis = append(gsis, map[string]any{
				"IndexName": ix.Name, "IndexArn": t.ARN + "/index/" + ix.Name, "IndexStatus": "ACTIVE",
				"KeySchema": ddbKeys(ix.KeySchema), "Projection": map[string]string{"ProjectionType": "ALL"},
				"IndexSizeBytes": 0, "ItemCount": 0,
				"ProvisionedThroughput": map[string]any{"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
			})
		}
		table["GlobalSecondaryIndexes"] = gsis
	}
	if len(t.LocalSecondaryIndexes) > 0 {
		var lsis []map[string]any
		for _, ix := range t.LocalSecondaryIndexes {
			lsis = append(lsis, map[string]any{
				"IndexName": ix.Name, "IndexArn": t.ARN + "/index/" + ix.Name,
				"KeySchema": ddbKeys(ix.KeySchema), "Projection": map[string]string{"ProjectionType": "ALL"},
				"IndexSizeBytes": 0, "ItemCount": 0,
			})
		}
		table["LocalSecondaryIndexes"] = lsis
	}
	if t.StreamEnabled {
		table["StreamSpecification"] = map[string]any{"StreamEnabled": true, "StreamViewType": t.StreamViewType}
		table["LatestStreamArn"] = t.LatestStreamARN
		table["LatestStreamLabel"] = t.LatestStreamLabel
	}
	return table
}

func ddbListTables(c *call) {
	p, ok := c.caller()
	if !ok || !c.authorize(p, "dynamodb:ListTables", "*") {
		return
	}
	names := []string{}
	for n := range c.st.tables {
		names = append(names, n)
	}
	slices.Sort(names)
	c.jsonResult(map[string]any{"TableNames": names})
}
