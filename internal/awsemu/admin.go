package awsemu

import (
	"encoding/json"
	"net/http"
	"time"
)

// serveAdmin serves the /_awsemu/ control API (no SigV4 needed):
//
//	GET  /_awsemu/calls                  {"iam:CreateRole": 2, ...}
//	GET  /_awsemu/log                    [LogEntry...]
//	POST /_awsemu/faults                 Fault
//	POST /_awsemu/throttle               {"rps": N}
//	POST /_awsemu/latency                {"ms": N}
//	POST /_awsemu/iam-propagation-delay  {"ms": N}
//	POST /_awsemu/reset                  state back to seed, controls off
//	POST /_awsemu/reset-log              counters and log cleared
//	GET  /_awsemu/state                  State
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	bad := func(msg string) { reply(http.StatusBadRequest, map[string]string{"error": msg}) }
	ok := map[string]bool{"ok": true}
	var num struct {
		RPS *float64 `json:"rps"`
		MS  *float64 `json:"ms"`
	}
	decodeNum := func() bool {
		if err := json.NewDecoder(r.Body).Decode(&num); err != nil {
			bad("invalid JSON: " + err.Error())
			return false
		}
		return true
	}
	route := r.Method + " " + r.URL.Path
	switch route {
	case "GET /_awsemu/calls":
		reply(200, s.CallCounts())
	case "GET /_awsemu/log":
		l := s.RequestLog()
		if l == nil {
			l = []LogEntry{}
		}
		reply(200, l)
	case "GET /_awsemu/state":
		reply(200, s.Dump())
	case "POST /_awsemu/faults":
		var f Fault
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			bad("invalid JSON: " + err.Error())
			return
		}
		if !knownService(f.Service) {
			bad("service must be one of iam, sts, eks, eks-auth, dynamodb")
			return
		}
		s.InjectFault(f)
		reply(200, ok)
	case "POST /_awsemu/throttle":
		if !decodeNum() {
			return
		}
		if num.RPS == nil || *num.RPS < 0 {
			bad(`want {"rps": N} with N >= 0`)
			return
		}
		s.SetThrottle(*num.RPS)
		reply(200, ok)
	case "POST /_awsemu/latency", "POST /_awsemu/iam-propagation-delay":
		if !decodeNum() {
			return
		}
		if num.MS == nil || *num.MS < 0 {
			bad(`want {"ms": N} with N >= 0`)
			return
		}
		d := time.Duration(*num.MS * float64(time.Millisecond))
		if route == "POST /_awsemu/latency" {
			s.SetLatency(d)
		} else {
			s.SetIAMPropagationDelay(d)
		}
		reply(200, ok)
	case "POST /_awsemu/reset":
		s.Reset()
		reply(200, ok)
	case "POST /_awsemu/reset-log":
		s.ResetLog()
		reply(200, ok)
	default:
		reply(http.StatusNotFound, map[string]string{"error": "unknown admin route " + route})
	}
}
