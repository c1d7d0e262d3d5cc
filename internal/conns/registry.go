package conns

import "sync"

// PlanRegistry is what the plan of one provider instance knows across
// resources: which objects a replacement destroys first, and which resource
// claimed which Kubernetes service account. Terraform plans each resource
// in a call of its own, so cross-resource checks need a place of their own;
// this is it (the lookup cache holds only what AWS said).
type PlanRegistry struct {
	mu       sync.Mutex
	replaced map[string]string
	claims   map[string]string
	pending  map[string]int
	tracked  map[string]bool
}

// MarkTracked records that the state tracks the object key (for example
// "role/NAME"), as Read found it: a tainted object is read but planned as a
// create, whose checks must not take it for someone else's.
func (r *PlanRegistry) MarkTracked(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tracked == nil {
		r.tracked = map[string]bool{}
	}
	r.tracked[key] = true
}

// Tracked reports whether MarkTracked recorded key.
func (r *PlanRegistry) Tracked(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tracked[key]
}

// MarkReplaced records that the object key (for example "role/NAME") is
// destroyed first by a replacement, with the value that identifies it.
func (r *PlanRegistry) MarkReplaced(key, value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.replaced == nil {
		r.replaced = map[string]string{}
	}
	r.replaced[key] = value
}

// Replaced returns what MarkReplaced recorded under key, or "".
func (r *PlanRegistry) Replaced(key string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.replaced[key]
}

// Claim records that a resource plans to own subject (a cluster, namespace
// and service account). owner identifies an existing resource (its
// association or role); "" is a resource being created. It returns false
// when another resource of this plan already claimed subject.
//
// Terraform plans a replacement twice, first with its prior state and then
// as a create: replacing marks the first call's claim, and the create that
// follows takes it over instead of conflicting with it.
func (r *PlanRegistry) Claim(subject, owner string, replacing bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.claims == nil {
		r.claims, r.pending = map[string]string{}, map[string]int{}
	}
	prev, claimed := r.claims[subject]
	switch {
	case !claimed:
		r.claims[subject] = owner
		if owner == "" {
			r.claims[subject] = "\x00new"
		}
		if replacing {
			r.pending[subject]++
		}
		return true
	case owner == "" && r.pending[subject] > 0:
		r.pending[subject]--
		return true
	case owner != "" && prev == owner:
		if replacing {
			r.pending[subject]++
		}
		return true
	default:
		return false
	}
}
