package awsemu

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Unsigned endpoints a pod or a node reaches on its own network, served on
// the same port as the AWS APIs: the EKS Pod Identity agent (agent.go) and
// the node's instance metadata service (imds.go). Calls are counted and
// logged like AWS calls (services "eks-pod-identity-agent" and "imds").

type localRoute struct {
	service, op string
	h           handlerFunc
}

func (s *Server) localRoute(r *http.Request) *localRoute {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, agentPathPrefix):
		return &localRoute{"eks-pod-identity-agent", "GetCredentials", agentCredentials}
	case strings.HasPrefix(p, "/latest/"):
		op := "GetMetadata"
		if r.Method == http.MethodPut {
			op = "GetToken"
		}
		return &localRoute{"imds", op, imdsServe}
	}
	return nil
}

func (s *Server) serveLocal(w http.ResponseWriter, r *http.Request, lr *localRoute) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	c := &call{s: s, r: r, body: body, reqID: s.nextReqID(), query: r.URL.Query(), hdr: http.Header{},
		service: lr.service, op: lr.op, form: map[string][]string{}}
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		c.st = s.st
		c.now = s.now()
		s.ctl.counts[c.service+":"+c.op]++
		defer func() {
			if p := recover(); p != nil {
				c.localFail(500, "InternalError", fmt.Sprintf("awsemu internal error: %v", p))
			}
			if c.status == 0 {
				c.status = 200
			}
			s.ctl.seq++
			s.ctl.log = append(s.ctl.log, LogEntry{Seq: s.ctl.seq, Time: c.now, Service: c.service, Operation: c.op,
				Status: c.status, ErrorCode: c.errCode, Resource: c.resource})
		}()
		lr.h(c)
	}()
	if c.drop {
		// The response never reaches the caller (IMDS hop limit).
		dropConnection(w)
		return
	}
	for k, v := range c.hdr {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(c.out)))
	w.WriteHeader(c.status)
	_, _ = w.Write(c.out)
}

// localFail answers {"code","message"}, the error shape the SDKs' container
// credentials client reads (IMDS answers plain text, see imds.go).
func (c *call) localFail(status int, code, msg string) {
	c.status, c.errCode = status, code
	c.hdr.Set("Content-Type", "application/json")
	c.out, _ = json.Marshal(map[string]string{"code": code, "message": msg})
}
