// Command pulumi-resource-aws is a TEST DOUBLE for the AWS provider plugin, for the engine test tier
// (test/engine). The real provider cannot be built from the Go module proxy (its module replaces the
// upstream Terraform provider with a local, patched copy), so this stand-in answers the provider
// protocol instead: it echoes inputs as outputs, gives every resource a deterministic id (from its
// URN), answers the few invokes the program makes, and appends every call to a JSON-lines file
// (STANDIN_AWS_CALLS) so tests can assert what the engine asked for. It talks to no cloud: it proves
// what the engine, the program and the policy pack do, never what AWS would accept.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version must equal @pulumi/aws's (node_modules/@pulumi/aws/package.json): the SDK asks the engine
// for exactly that plugin version.
const version = "7.48.0"

// unknown is the engine's sentinel for a value not known until the resource exists (preview).
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// defaultAccount is what getCallerIdentity answers when the provider names no allowed account.
const defaultAccount = "123456789012"

type standin struct {
	pulumirpc.UnimplementedResourceProviderServer

	mu      sync.Mutex
	region  string
	account string
}

// record appends one call to the calls file; the engine runs one process per provider instance, and
// O_APPEND keeps their short lines whole.
func record(fields map[string]any) {
	path := os.Getenv("STANDIN_AWS_CALLS")
	if path == "" {
		return
	}
	fields["pid"] = os.Getpid()
	line, err := json.Marshal(fields)
	if err != nil {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n'))
}

// resourceID is stable for a URN, so a second `up` (or a test) can predict it.
func resourceID(urn string) string {
	sum := sha256.Sum256([]byte(urn))
	return "standin-" + hex.EncodeToString(sum[:])[:12]
}

func typeOf(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 3 {
		return ""
	}
	types := strings.Split(parts[2], "$")
	return types[len(types)-1]
}

func nameOf(urn string) string {
	parts := strings.Split(urn, "::")
	return parts[len(parts)-1]
}

func orEmpty(s *structpb.Struct) *structpb.Struct {
	if s == nil {
		return &structpb.Struct{Fields: map[string]*structpb.Value{}}
	}
	return s
}

// changedKeys lists the top-level inputs whose values differ (an unknown value counts as a change).
func changedKeys(olds, news *structpb.Struct) []string {
	o, n := orEmpty(olds).Fields, orEmpty(news).Fields
	seen := map[string]bool{}
	var keys []string
	for k := range o {
		seen[k] = true
	}
	for k := range n {
		seen[k] = true
	}
	for k := range seen {
		if strings.HasPrefix(k, "__") {
			continue
		}
		ov, nv := o[k], n[k]
		if ov == nil || nv == nil || !proto.Equal(ov, nv) || nv.GetStringValue() == unknown {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// computed are the outputs AWS computes that the program reads, by resource type. Without them an
// output the program passes on (the document's version into the task) stays unknown in every
// preview, and a clean stack would look drifted. Fixed values: the stand-in keeps no versions.
var computed = map[string]map[string]string{
	"aws:ssm/document:Document": {"latestVersion": "1", "defaultVersion": "1", "documentVersion": "1"},
}

// outputs echoes the inputs and adds what AWS would compute: id, arn, (when absent) name, and the
// type's computed outputs.
func (p *standin) outputs(urn, id string, inputs *structpb.Struct, preview bool) *structpb.Struct {
	out := proto.Clone(orEmpty(inputs)).(*structpb.Struct)
	name := out.Fields["name"].GetStringValue()
	if _, ok := out.Fields["name"]; !ok {
		name = nameOf(urn) + "-" + id[len("standin-"):]
		out.Fields["name"] = structpb.NewStringValue(name)
	}
	for key, value := range computed[typeOf(urn)] {
		if _, ok := out.Fields[key]; !ok {
			if preview {
				value = unknown
			}
			out.Fields[key] = structpb.NewStringValue(value)
		}
	}
	if _, ok := out.Fields["arn"]; !ok {
		if preview {
			out.Fields["arn"] = structpb.NewStringValue(unknown)
		} else {
			p.mu.Lock()
			arn := fmt.Sprintf("arn:aws:standin:%s:%s:%s/%s", p.region, p.account, strings.ToLower(typeOf(urn)), name)
			p.mu.Unlock()
			out.Fields["arn"] = structpb.NewStringValue(arn)
		}
	}
	return out
}

func (p *standin) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	record(map[string]any{"method": "GetPluginInfo"})
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (p *standin) GetSchema(_ context.Context, req *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	record(map[string]any{"method": "GetSchema"})
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":"aws","version":%q}`, version)}, nil
}

func (p *standin) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *standin) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	record(map[string]any{"method": "Cancel"})
	return &emptypb.Empty{}, nil
}

func (p *standin) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	record(map[string]any{"method": "CheckConfig", "urn": req.GetUrn()})
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *standin) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	keys := changedKeys(req.GetOldInputs(), req.GetNews())
	record(map[string]any{"method": "DiffConfig", "urn": req.GetUrn(), "changes": keys})
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(keys) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{Changes: changes, Diffs: keys}, nil
}

// Configure keeps the region and the first allowed account, which getCallerIdentity and ARNs use.
func (p *standin) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args := orEmpty(req.GetArgs()).Fields
	p.mu.Lock()
	p.region = args["region"].GetStringValue()
	if p.region == "" {
		p.region = req.GetVariables()["aws:config:region"]
	}
	p.account = defaultAccount
	if ids := args["allowedAccountIds"].GetListValue().GetValues(); len(ids) > 0 && ids[0].GetStringValue() != "" {
		p.account = ids[0].GetStringValue()
	}
	region, account := p.region, p.account
	p.mu.Unlock()
	record(map[string]any{"method": "Configure", "region": region, "account": account})
	return &pulumirpc.ConfigureResponse{SupportsPreview: true}, nil
}

func (p *standin) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	record(map[string]any{"method": "Check", "urn": req.GetUrn()})
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *standin) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	keys := changedKeys(req.GetOldInputs(), req.GetNews())
	record(map[string]any{"method": "Diff", "urn": req.GetUrn(), "id": req.GetId(), "changes": keys})
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(keys) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	// Every change is an in-place update here: the stand-in knows no schema, so no replacements.
	return &pulumirpc.DiffResponse{Changes: changes, Diffs: keys}, nil
}

// createDelay (STANDIN_AWS_CREATE_DELAY_MS) keeps an update running long enough to be interrupted.
func createDelay() time.Duration {
	ms, _ := strconv.Atoi(os.Getenv("STANDIN_AWS_CREATE_DELAY_MS"))
	return time.Duration(ms) * time.Millisecond
}

func (p *standin) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	id := resourceID(req.GetUrn())
	record(map[string]any{"method": "Create", "urn": req.GetUrn(), "id": id, "preview": req.GetPreview()})
	if req.GetPreview() {
		id = ""
	} else if delay := createDelay(); delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: p.outputs(req.GetUrn(), resourceID(req.GetUrn()), req.GetProperties(), req.GetPreview())}, nil
}

// Read answers a refresh with the state it was given: the stand-in's "cloud" is the state itself,
// so editing the state out of band is how a test makes drift.
func (p *standin) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	record(map[string]any{"method": "Read", "urn": req.GetUrn(), "id": req.GetId()})
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (p *standin) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	record(map[string]any{
		"method": "Update", "urn": req.GetUrn(), "id": req.GetId(), "preview": req.GetPreview(),
		"changes": changedKeys(req.GetOldInputs(), req.GetNews()),
	})
	return &pulumirpc.UpdateResponse{Properties: p.outputs(req.GetUrn(), req.GetId(), req.GetNews(), req.GetPreview())}, nil
}

func (p *standin) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	record(map[string]any{"method": "Delete", "urn": req.GetUrn(), "id": req.GetId()})
	return &emptypb.Empty{}, nil
}

// Invoke answers the data sources the program calls; any other is an error naming it, so a new
// invoke in the program shows up here instead of passing silently.
func (p *standin) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	record(map[string]any{"method": "Invoke", "tok": req.GetTok()})
	p.mu.Lock()
	region, account := p.region, p.account
	p.mu.Unlock()
	var result map[string]any
	switch req.GetTok() {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		result = map[string]any{
			"accountId": account, "id": account, "userId": "STANDIN",
			"arn": fmt.Sprintf("arn:aws:iam::%s:user/standin", account),
		}
	case "aws:index/getRegion:getRegion":
		result = map[string]any{
			"id": region, "name": region, "region": region, "description": region,
			"endpoint": fmt.Sprintf("ec2.%s.amazonaws.com", region),
		}
	case "aws:index/getPartition:getPartition":
		result = map[string]any{"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}
	default:
		return nil, status.Errorf(codes.Unimplemented, "stand-in AWS provider: invoke %s is not implemented", req.GetTok())
	}
	ret, err := structpb.NewStruct(result)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

func main() {
	err := provider.Main("aws", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &standin{region: "us-east-1", account: defaultAccount}, nil
	})
	if err != nil {
		cmdutil.ExitError(err.Error())
	}
}
