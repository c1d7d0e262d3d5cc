package leastpriv

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// analyseDocs starts analysing, on GOMAXPROCS goroutines, the policy
// documents of the plan's values (the policies and trust policies of roles,
// role policies and managed policies), as Check's c.doc would: ReviewPlan
// builds the inventory meanwhile. The returned function waits and returns
// them by JSON text, for checkInventory. A document the inventory resolves
// differently (from a reference, a policy document data source...) is
// analysed by Check as usual.
func (p *planData) analyseDocs() func() map[string]*docInfo {
	var jsons []string
	seen := map[string]bool{}
	add := func(v any) {
		s, ok := v.(string)
		if !ok || seen[s] {
			return
		}
		seen[s] = true
		jsons = append(jsons, s)
	}
	visit := func(res *planResource) {
		switch res.Type {
		case "aws_iam_role":
			add(res.Values["assume_role_policy"])
			if l, ok := res.Values["inline_policy"].([]any); ok {
				for _, e := range l {
					if m, ok := e.(map[string]any); ok {
						add(m["policy"])
					}
				}
			}
		case "aws_iam_role_policy", "aws_iam_policy":
			add(res.Values["policy"])
		}
	}
	for _, res := range p.changes {
		if !res.deleted() {
			visit(res)
		}
	}
	for _, addr := range p.priorOrder {
		visit(p.prior[addr])
	}
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(jsons) < 64 {
		return func() map[string]*docInfo { return nil }
	}
	infos := make([]*docInfo, len(jsons))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jsons) {
					return
				}
				di := &docInfo{}
				di.policy, di.err = ParsePolicy(jsons[i])
				if di.err == nil {
					di.grants = AllowedDynamoDB([]*Policy{di.policy})
				}
				infos[i] = di
			}
		})
	}
	return func() map[string]*docInfo {
		wg.Wait()
		docs := make(map[string]*docInfo, len(jsons))
		for i, j := range jsons {
			docs[j] = infos[i]
		}
		return docs
	}
}
