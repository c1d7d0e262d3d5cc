package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// adminCmd talks to a running emulator's admin API (no curl needed):
//
//	awsemu state -endpoint URL                                    GET /_awsemu/state
//	awsemu hop-limit -endpoint URL -cluster C -nodegroup NG -hops N  POST /_awsemu/hop-limit
func adminCmd(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("awsemu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "", "the emulator's URL")
	cluster := fs.String("cluster", "eks-workshop", "cluster (hop-limit)")
	nodegroup := fs.String("nodegroup", "default", "node group (hop-limit)")
	hops := fs.Int("hops", 0, "http_put_response_hop_limit (hop-limit)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *endpoint == "" || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "awsemu %s: -endpoint is required\n", name)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var req *http.Request
	var err error
	switch name {
	case "state":
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, *endpoint+"/_awsemu/state", nil)
	default: // hop-limit
		body, _ := json.Marshal(map[string]any{"cluster": *cluster, "nodegroup": *nodegroup, "hop_limit": *hops})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, *endpoint+"/_awsemu/hop-limit", bytes.NewReader(body))
	}
	if err != nil {
		fmt.Fprintf(stderr, "awsemu %s: %v\n", name, err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "awsemu %s: %v\n", name, err)
		return 1
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "awsemu %s: %s %v %s\n", name, resp.Status, err, out)
		return 1
	}
	_, _ = stdout.Write(out)
	return 0
}
