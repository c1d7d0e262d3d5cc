package awsemu

import (
	"net/http"
	"time"
)

// LogEntry is one API call as the emulator saw it.
type LogEntry struct {
	Seq       int       `json:"seq"`
	Time      time.Time `json:"time"`
	Service   string    `json:"service"`
	Operation string    `json:"operation"`
	Status    int       `json:"status"`
	ErrorCode string    `json:"error_code,omitempty"`
	// Resource is best effort: a role name, cluster/namespace/serviceaccount,
	// cluster/association-id, a table name, a resource ARN...
	Resource string `json:"resource,omitempty"`
}

// Fault makes the next Count calls (default 1) of Service/Operation fail with
// Code/Status/Message. Operation "" or "*" matches every operation of the
// service. Code "" means the service's internal error (IAM "ServiceFailure",
// STS "InternalFailure", EKS "ServerException", EKS Auth
// "InternalServerException", DynamoDB "InternalServerError"); Status 0 means
// the code's usual status (500 for internal errors, 400 otherwise, and the
// emulator's own status for codes it knows such as NoSuchEntity => 404).
//
// DropConnection instead carries the call out (its effects happen) and then
// closes the connection without an answer, as a network failure after the
// request reached AWS does: the client cannot know whether it went through.
type Fault struct {
	Service        string `json:"service"`
	Operation      string `json:"operation"`
	Count          int    `json:"count"`
	Code           string `json:"code"`
	Status         int    `json:"status"`
	Message        string `json:"message"`
	DropConnection bool   `json:"drop_connection,omitempty"`
}

// dropConnection closes the client's connection without a response.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

type controls struct {
	counts    map[string]int
	log       []LogEntry
	seq       int
	faults    []Fault
	rps       float64
	tokens    float64
	last      time.Time
	latency   time.Duration
	propDelay time.Duration
	afterCall func(LogEntry)
}

func (c *controls) reset() {
	*c = controls{counts: map[string]int{}}
}

func (c *controls) resetLog() {
	c.counts = map[string]int{}
	c.log = nil
	c.seq = 0
}

// takeFault returns the first matching fault and consumes one use of it.
func (c *controls) takeFault(service, op string) (Fault, bool) {
	for i := range c.faults {
		f := &c.faults[i]
		if f.Service != service || (f.Operation != "" && f.Operation != "*" && f.Operation != op) {
			continue
		}
		out := *f
		f.Count--
		if f.Count <= 0 {
			c.faults = append(c.faults[:i], c.faults[i+1:]...)
		}
		return out, true
	}
	return Fault{}, false
}

// allow implements a token bucket of rps tokens/s with a burst of max(1, rps).
func (c *controls) allow(now time.Time) bool {
	if c.rps <= 0 {
		return true
	}
	burst := c.rps
	if burst < 1 {
		burst = 1
	}
	if c.last.IsZero() {
		c.tokens = burst
	} else {
		c.tokens += now.Sub(c.last).Seconds() * c.rps
		if c.tokens > burst {
			c.tokens = burst
		}
	}
	c.last = now
	if c.tokens >= 1 {
		c.tokens--
		return true
	}
	return false
}

// CallCount is the number of calls received for service ("iam", "sts", "eks",
// "dynamodb", "eks-auth") and AWS operation name, failed ones included.
func (s *Server) CallCount(service, operation string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctl.counts[service+":"+operation]
}

// CallCounts returns all counters keyed "service:Operation".
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.ctl.counts))
	for k, v := range s.ctl.counts {
		out[k] = v
	}
	return out
}

// RequestLog returns the calls in arrival order.
func (s *Server) RequestLog() []LogEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LogEntry(nil), s.ctl.log...)
}

// ResetLog clears counters and the log; state and controls are kept.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctl.resetLog()
}

// InjectFault queues a fault (see Fault).
func (s *Server) InjectFault(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctl.faults = append(s.ctl.faults, f)
}

// SetThrottle limits all AWS calls to rps per second (0 = off). Calls over the
// rate get the service's throttling error: IAM/STS 400 "Throttling" (Rate
// exceeded), EKS and EKS Auth 429 "ThrottlingException", DynamoDB 400
// "ThrottlingException".
func (s *Server) SetThrottle(rps float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctl.rps = rps
	s.ctl.last = time.Time{}
}

// SetLatency delays every AWS call by d before it reaches the service. A
// call whose client goes away meanwhile (a killed process) is not carried
// out, as a request lost in transit.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctl.latency = d
}

// SetAfterCall calls fn after each call has been carried out and before it
// is answered, with its log entry, outside the server's lock (fn may call
// the Server, or make AWS calls of its own, which fn is then called for
// too). nil removes it. Tests use it to look at AWS between the writes of
// one apply.
func (s *Server) SetAfterCall(fn func(LogEntry)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctl.afterCall = fn
}

// SetIAMPropagationDelay makes roles created by CreateRole invisible to EKS
// (pod identity association create/update, EKS Auth) for d after creation.
func (s *Server) SetIAMPropagationDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctl.propDelay = d
}

// SetClock replaces the clock used for timestamps, throttling and the IAM
// propagation delay (nil restores time.Now). SetLatency still sleeps for
// real. now is called with the server's lock held: it must not call back
// into the Server.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// PendingFaults is the number of injected fault uses not consumed yet: a
// test checks it is zero to know the call it meant to fail was made.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.ctl.faults {
		n += f.Count
	}
	return n
}

// ClearFaults drops the faults not consumed yet.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctl.faults = nil
}
