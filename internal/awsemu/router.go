package awsemu

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// call is one AWS request being served.
type call struct {
	s       *Server
	st      *state
	r       *http.Request
	service string
	op      string
	// resource is a best-effort description for the request log.
	resource string
	reqID    string
	body     []byte
	form     url.Values        // query protocol parameters
	params   map[string]string // REST path labels (unescaped)
	query    url.Values
	now      time.Time

	status  int
	hdr     http.Header
	out     []byte
	errCode string
	drop    bool // answer nothing and close the connection (local endpoints; Fault.DropConnection)
}

type handlerFunc func(*call)

// sigv4Scope extracts the service from a SigV4 Authorization header or
// presigned query. ok is false when the request is unsigned; err is set when
// a signature is present but malformed.
func sigv4Scope(r *http.Request) (service string, ok bool, err error) {
	auth := r.Header.Get("Authorization")
	var cred string
	if auth == "" {
		cred = r.URL.Query().Get("X-Amz-Credential")
		if cred == "" {
			return "", false, nil
		}
	} else {
		if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") && !strings.HasPrefix(auth, "AWS4-ECDSA-P256-SHA256 ") {
			return "", true, fmt.Errorf("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=%s", firstWord(auth))
		}
		rest := auth[strings.Index(auth, " ")+1:]
		var haveSig, haveSigned bool
		for _, part := range strings.Split(rest, ",") {
			part = strings.TrimSpace(part)
			switch {
			case strings.HasPrefix(part, "Credential="):
				cred = strings.TrimPrefix(part, "Credential=")
			case strings.HasPrefix(part, "Signature="):
				haveSig = len(part) > len("Signature=")
			case strings.HasPrefix(part, "SignedHeaders="):
				haveSigned = len(part) > len("SignedHeaders=")
			}
		}
		if cred == "" || !haveSig || !haveSigned {
			return "", true, fmt.Errorf("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters")
		}
		if r.Header.Get("X-Amz-Date") == "" && r.Header.Get("Date") == "" {
			return "", true, fmt.Errorf("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header")
		}
	}
	// AKID/DATE/REGION/SERVICE/aws4_request (SigV4a: AKID/DATE/SERVICE/aws4_request)
	parts := strings.Split(cred, "/")
	switch {
	case len(parts) == 5 && parts[4] == "aws4_request" && parts[0] != "" && len(parts[1]) == 8:
		return parts[3], true, nil
	case len(parts) == 4 && parts[3] == "aws4_request" && parts[0] != "":
		return parts[2], true, nil
	}
	return "", true, fmt.Errorf("Credential should be scoped to a valid region and service: %q", cred)
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

// guessService picks the error format for requests without a usable scope.
func guessService(r *http.Request, form url.Values) string {
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		return "dynamodb"
	case form.Get("Action") != "":
		if form.Get("Version") == stsVersion {
			return "sts"
		}
		return "iam"
	case strings.HasSuffix(r.URL.Path, "/assume-role-for-pod-identity"):
		return "eks-auth"
	}
	return "eks"
}

func (s *Server) nextReqID() string {
	s.mu.Lock()
	s.reqSeq++
	n := s.reqSeq
	s.mu.Unlock()
	return fmt.Sprintf("a1b2c3d4-%04x-4%03x-8%03x-%012x", (n>>40)&0xffff, (n>>28)&0xfff, (n>>16)&0xfff, n&0xffffffffffff)
}

const (
	bigResponse      = 2048
	bigResponseDelay = 5 * time.Millisecond
)

// ServeHTTP serves AWS APIs and the /_awsemu/ admin API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/_awsemu/hop-limit" {
		s.serveHopLimit(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_awsemu/") || r.URL.Path == "/_awsemu" {
		s.serveAdmin(w, r)
		return
	}
	if lr := s.localRoute(r); lr != nil {
		s.serveLocal(w, r, lr)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	c := &call{s: s, r: r, body: body, reqID: s.nextReqID(), query: r.URL.Query(), hdr: http.Header{}}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		c.form, _ = url.ParseQuery(string(body))
	}
	if c.form == nil {
		c.form = url.Values{}
	}
	if r.Method == http.MethodGet && c.query.Get("Action") != "" {
		for k, v := range c.query {
			c.form[k] = v
		}
	}

	service, signed, authErr := sigv4Scope(r)
	if !signed || authErr != nil || !knownService(service) {
		c.service = guessService(r, c.form)
	} else {
		c.service = service
	}
	h := s.route(c)
	if c.op == "" {
		c.op = "Unknown"
	}

	// Controls: latency first (outside the lock), then count, fault, throttle.
	s.mu.Lock()
	latency := s.ctl.latency
	s.mu.Unlock()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			// The client went away while the call was in transit: it
			// never reached the service.
			return
		}
	}

	s.serveLocked(c, h, signed, authErr, service)
	s.mu.Lock()
	after := s.ctl.afterCall
	s.mu.Unlock()
	if after != nil {
		after(LogEntry{Time: c.now, Service: c.service, Operation: c.op, Status: c.status, ErrorCode: c.errCode, Resource: c.resource})
	}
	if c.drop {
		dropConnection(w)
		return
	}

	for k, v := range c.hdr {
		w.Header()[k] = v
	}
	w.Header()["x-amzn-RequestId"] = []string{c.reqID}
	if c.service == "dynamodb" {
		// DynamoDB sends a CRC32 of the body; the SDK verifies it when present.
		w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(c.out)), 10))
	}
	if len(c.out) > bigResponse {
		// Work around an aws-sdk-go-v2/smithy-go race that only a very fast
		// server exposes: the SDK closes the request body as soon as the
		// response headers arrive; if net/http's writeLoop has not yet made
		// its final read of that body, the SDK's body wrapper answers io.EOF
		// from WriteTo, net/http treats it as a write error and closes the
		// connection, and the rest of a large response body is lost ("use of
		// closed network connection"). Bodies up to bigResponse arrive in
		// the client's first read and are safe; larger ones wait a moment so
		// the client's writeLoop finishes first, as it always does over a
		// real network.
		time.Sleep(bigResponseDelay)
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(c.out)))
	w.WriteHeader(c.status)
	_, _ = w.Write(c.out)
}

// serveLocked runs controls and the handler under the server lock. A
// panicking handler becomes the service's 500 internal error instead of a
// dead lock.
func (s *Server) serveLocked(c *call, h handlerFunc, signed bool, authErr error, service string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.st = s.st
	c.now = s.now()
	s.ctl.counts[c.service+":"+c.op]++
	defer func() {
		if p := recover(); p != nil {
			c.hdr = http.Header{}
			c.fault(Fault{Message: fmt.Sprintf("awsemu internal error: %v", p)})
		}
		if c.status == 0 {
			c.status = 200
		}
		s.ctl.seq++
		s.ctl.log = append(s.ctl.log, LogEntry{
			Seq: s.ctl.seq, Time: c.now, Service: c.service, Operation: c.op,
			Status: c.status, ErrorCode: c.errCode, Resource: c.resource,
		})
	}()
	switch {
	case !signed:
		if c.service == "iam" || c.service == "sts" {
			c.fail("MissingAuthenticationToken", 403, "Request is missing Authentication Token")
		} else {
			c.fail("MissingAuthenticationTokenException", 403, "Missing Authentication Token")
		}
	case authErr != nil:
		if c.service == "iam" || c.service == "sts" {
			c.fail("IncompleteSignature", 400, authErr.Error())
		} else {
			c.fail("IncompleteSignatureException", 400, authErr.Error())
		}
	case !knownService(service):
		c.fail("UnrecognizedClientException", 400, fmt.Sprintf("awsemu does not emulate service %q", service))
	default:
		if f, ok := s.ctl.takeFault(c.service, c.op); ok && f.DropConnection {
			h(c)
			c.drop = true
		} else if ok {
			c.fault(f)
		} else if !s.ctl.allow(c.now) {
			c.throttled()
		} else {
			h(c)
		}
	}
}

func knownService(s string) bool {
	switch s {
	case "iam", "sts", "eks", "dynamodb", "eks-auth":
		return true
	}
	return false
}

// route resolves the operation name and handler without touching state.
func (s *Server) route(c *call) handlerFunc {
	switch c.service {
	case "iam", "sts":
		c.op = c.form.Get("Action")
		table := iamHandlers
		ver := iamVersion
		if c.service == "sts" {
			table, ver = stsHandlers, stsVersion
		}
		if h, ok := table[c.op]; ok {
			if rn := c.form.Get("RoleName"); rn != "" {
				c.resource = rn
			}
			return h
		}
		op := c.op
		return func(c *call) {
			if op == "" {
				c.fail("MissingAction", 400, "Missing Action")
				return
			}
			c.fail("InvalidAction", 400, fmt.Sprintf("Could not find operation %s for version %s", op, ver))
		}
	case "dynamodb":
		target := c.r.Header.Get("X-Amz-Target")
		c.op = strings.TrimPrefix(target, "DynamoDB_20120810.")
		if h, ok := dynamoHandlers[c.op]; ok && strings.HasPrefix(target, "DynamoDB_20120810.") {
			return h
		}
		return func(c *call) { c.fail("UnknownOperationException", 400, "") }
	case "eks", "eks-auth":
		routes := eksRoutes
		if c.service == "eks-auth" {
			routes = eksAuthRoutes
		}
		segs := splitPath(c.r.URL.EscapedPath())
		for _, rt := range routes {
			if rt.method != c.r.Method {
				continue
			}
			if params, ok := matchPath(rt.pattern, segs); ok {
				c.op = rt.op
				c.params = params
				return rt.h
			}
		}
		return func(c *call) {
			c.fail("UnknownOperationException", 404, "Unknown operation "+c.r.Method+" "+c.r.URL.Path)
		}
	}
	return func(c *call) {}
}

type restRoute struct {
	method  string
	pattern []string
	op      string
	h       handlerFunc
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func matchPath(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = v
		} else if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// --- responses ---------------------------------------------------------------

func (c *call) queryNS() string {
	if c.service == "sts" {
		return "https://sts.amazonaws.com/doc/2011-06-15/"
	}
	return "https://iam.amazonaws.com/doc/2010-05-08/"
}

// xmlResult writes <OpResponse xmlns=NS><OpResult>result</OpResult><ResponseMetadata>.
// result nil writes no OpResult element (as AWS does for e.g. DeleteRole).
func (c *call) xmlResult(result any) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<%sResponse xmlns="%s">`, c.op, c.queryNS())
	if result != nil {
		enc := xml.NewEncoder(&b)
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: c.op + "Result"}}); err != nil {
			panic(err)
		}
		_ = enc.Flush()
	}
	fmt.Fprintf(&b, `<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`, c.reqID, c.op)
	c.status = 200
	c.hdr.Set("Content-Type", "text/xml")
	c.out = b.Bytes()
}

// jsonResult writes a JSON body with the service's content type.
// jsonResult writes a successful JSON response.
func (c *call) jsonResult(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	c.status = 200
	if c.service == "dynamodb" {
		c.hdr.Set("Content-Type", "application/x-amz-json-1.0")
	} else {
		c.hdr.Set("Content-Type", "application/json")
	}
	c.out = b
}

// fail writes an error in the service's wire format.
func (c *call) fail(code string, status int, msg string) {
	c.status = status
	c.errCode = code
	switch c.service {
	case "iam", "sts":
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>`, c.queryNS(), typ, code)
		_ = xml.EscapeText(&b, []byte(msg))
		fmt.Fprintf(&b, `</Message></Error><RequestId>%s</RequestId></ErrorResponse>`, c.reqID)
		c.hdr.Set("Content-Type", "text/xml")
		c.out = b.Bytes()
	case "dynamodb":
		body := map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + code}
		if msg != "" {
			body["message"] = msg
		}
		c.out, _ = json.Marshal(body)
		c.hdr.Set("Content-Type", "application/x-amz-json-1.0")
	default: // eks, eks-auth: REST-JSON
		body := map[string]string{"message": msg}
		if c.service == "eks" {
			// EKS error shapes carry the resource names from the path.
			for param, field := range map[string]string{"name": "clusterName", "ng": "nodegroupName", "fp": "fargateProfileName", "addon": "addonName"} {
				if v := c.params[param]; v != "" {
					body[field] = v
				}
			}
		}
		c.out, _ = json.Marshal(body)
		c.hdr.Set("Content-Type", "application/json")
		c.hdr["x-amzn-ErrorType"] = []string{code} // AWS's exact spelling
	}
}

func (c *call) throttled() {
	switch c.service {
	case "iam", "sts":
		c.fail("Throttling", 400, "Rate exceeded")
	case "dynamodb":
		c.fail("ThrottlingException", 400, "Rate of requests exceeds the allowed throughput.")
	default:
		c.fail("ThrottlingException", 429, "Rate exceeded")
	}
}

func (c *call) fault(f Fault) {
	code, status, msg := f.Code, f.Status, f.Message
	if code == "" {
		code = map[string]string{"iam": "ServiceFailure", "sts": "InternalFailure", "eks": "ServerException",
			"eks-auth": "InternalServerException", "dynamodb": "InternalServerError"}[c.service]
		if status == 0 {
			status = 500
		}
	}
	if status == 0 {
		status = knownStatus(c.service, code)
	}
	if msg == "" {
		msg = "awsemu injected fault"
	}
	c.fail(code, status, msg)
}

func knownStatus(service, code string) int {
	switch code {
	case "NoSuchEntity", "ResourceNotFoundException", "NotFoundException":
		return 404
	case "EntityAlreadyExists", "DeleteConflict", "LimitExceeded", "ResourceInUseException", "ConcurrentModification":
		return 409
	case "ServiceFailure", "InternalFailure", "ServerException", "InternalServerException", "InternalServerError":
		return 500
	case "ServiceUnavailableException", "ServiceUnavailable":
		return 503
	case "ThrottlingException":
		if service == "eks" || service == "eks-auth" {
			return 429
		}
	case "AccessDenied", "AccessDeniedException":
		return 403
	}
	return 400
}
