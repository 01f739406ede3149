#!/usr/bin/env bash
# Builds the real Pulumi CLI (and what the engine test tier needs beside it) from the Go module proxy
# into a cache OUTSIDE the repository, once; later runs reuse it and only print where it is.
#
#   scripts/pulumi-cli.sh            # or: npm run pulumi-cli
#   VSS_FLEET_CACHE=/some/dir scripts/pulumi-cli.sh
#
# The last line on stdout is the bin directory. Progress and warnings go to stderr.
# Versions are pinned by tools/pulumi-cli/go.mod + go.sum (the CLI), tools/language-host/go.mod +
# go.sum (the Node.js language host) and test/engine/standin-aws-provider/go.mod + go.sum (the
# stand-in provider); docs/testing-engine.md says what each piece is and what the tier proves with it.
set -euo pipefail

PULUMI_VERSION=3.274.1
# @pulumi/aws's version: the SDK asks the engine for exactly this provider plugin version.
AWS_PLUGIN_VERSION=7.48.0
REPO="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${VSS_FLEET_CACHE:-$HOME/.cache/vss-fleet}/pulumi-v${PULUMI_VERSION}"
BIN="$CACHE/bin"
STANDIN="$CACHE/standin-aws-provider-v${AWS_PLUGIN_VERSION}"
mkdir -p "$BIN" "$STANDIN"

# Only the proxy and the committed go.sum: no toolchain download, no go.mod rewrite, no VCS fetch.
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" GOPROXY="${GOPROXY:-https://proxy.golang.org}"
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}"

say() { echo "pulumi-cli: $*" >&2; }

if ! command -v go >/dev/null; then
    say "Go is not installed; the engine tier needs it to build the Pulumi CLI (see docs/testing-engine.md)"
    exit 1
fi

# 1. The CLI (main package github.com/pulumi/pulumi/pkg/v3/cmd/pulumi), through the wrapper module.
if [ "$("$BIN/pulumi" version 2>/dev/null || true)" != "v${PULUMI_VERSION}" ]; then
    say "building pulumi v${PULUMI_VERSION} into $BIN (cold: about 25 minutes on 2 busy cores)"
    started=$(date +%s)
    (cd "$REPO/tools/pulumi-cli" && nice go build -trimpath -ldflags "$LDFLAGS" -o "$BIN/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
    mv "$BIN/pulumi.partial" "$BIN/pulumi"
    say "built pulumi in $(($(date +%s) - started)) s"
fi

# 2. The Node.js language host (pulumi-language-nodejs), which runs a project's program for the CLI.
#    Its own module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not served
#    by the module proxy; the last sdk/v3 release that still carries it inside, v3.68.0, is, and the
#    wrapper module tools/language-host pins it. Rebuilt when that module's go.mod or go.sum changes.
#    It runs programs but predates the CLI's RunPlugin, so a policy-pack folder is refused
#    ("could not read plugin ...: not supported"): the launcher of step 3 serves --policy-pack.
LANGHOST_VERSION=3.68.0
langhost_src="$REPO/tools/language-host"
langhost_stamp="v${LANGHOST_VERSION}-$(cat "$langhost_src/go.mod" "$langhost_src/go.sum" | sha256sum | cut -c1-16)"
if [ "$(cat "$CACHE/pulumi-language-nodejs.stamp" 2>/dev/null || true)" != "$langhost_stamp" ] || [ ! -x "$BIN/pulumi-language-nodejs" ]; then
    say "building pulumi-language-nodejs v${LANGHOST_VERSION} into $BIN"
    started=$(date +%s)
    (cd "$langhost_src" && nice go build -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${LANGHOST_VERSION}" \
        -o "$BIN/pulumi-language-nodejs.partial" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
    mv "$BIN/pulumi-language-nodejs.partial" "$BIN/pulumi-language-nodejs"
    echo "$langhost_stamp" >"$CACHE/pulumi-language-nodejs.stamp"
    rm -f "$CACHE/pulumi-language-nodejs.unavailable"
    say "built pulumi-language-nodejs in $(($(date +%s) - started)) s"
fi

# 3. pulumi-analyzer-policy: like the launcher in the CLI distribution, it runs the policy-pack host
#    of the @pulumi/pulumi that the working directory resolves, under Node, with the engine's arguments.
cat >"$BIN/pulumi-analyzer-policy.partial" <<'LAUNCHER'
#!/bin/sh
# Runs @pulumi/pulumi's policy-pack host (cmd/run-policy-pack) as resolved from the working
# directory: arguments are <engine-address> <policy-pack-directory>.
script=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))") || exit 1
exec node "$script" "$@"
LAUNCHER
chmod +x "$BIN/pulumi-analyzer-policy.partial"
mv "$BIN/pulumi-analyzer-policy.partial" "$BIN/pulumi-analyzer-policy"

# 4. The stand-in AWS provider (a test double; see its main.go), rebuilt when its sources change.
src="$REPO/test/engine/standin-aws-provider"
stamp="$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-16)"
if [ "$(cat "$STANDIN/stamp" 2>/dev/null || true)" != "$stamp" ] || [ ! -x "$STANDIN/pulumi-resource-aws" ]; then
    say "building the stand-in AWS provider into $STANDIN"
    (cd "$src" && nice go build -trimpath -ldflags "-s -w" -o "$STANDIN/pulumi-resource-aws" .)
    echo "$stamp" >"$STANDIN/stamp"
fi

# 4b. The AWS-API provider (test/engine/aws-api-provider: calls the AWS API at AWS_ENDPOINT_URL, the
#     emulator's moto), bundled by esbuild into one file with its SDK clients and gRPC, so the plugin
#     does not depend on which checkout built it; a launcher named as the plugin runs it under Node.
#     Rebuilt when its sources or the lock file change.
AWSAPI="$CACHE/aws-api-provider-v${AWS_PLUGIN_VERSION}"
mkdir -p "$AWSAPI"
src="$REPO/test/engine/aws-api-provider"
stamp="$(cat "$src"/*.ts "$REPO/package-lock.json" | sha256sum | cut -c1-16)"
if [ "$(cat "$AWSAPI/stamp" 2>/dev/null || true)" != "$stamp" ] || [ ! -x "$AWSAPI/pulumi-resource-aws" ]; then
    say "bundling the AWS-API provider into $AWSAPI"
    nice "$REPO/node_modules/.bin/esbuild" "$src/main.ts" --bundle --platform=node --target=node20 --format=cjs \
        --log-level=warning --outfile="$AWSAPI/provider.js.partial"
    mv "$AWSAPI/provider.js.partial" "$AWSAPI/provider.js"
    printf '#!/bin/sh\nexec node %s "$@"\n' "'$AWSAPI/provider.js'" >"$AWSAPI/pulumi-resource-aws.partial"
    chmod +x "$AWSAPI/pulumi-resource-aws.partial"
    mv "$AWSAPI/pulumi-resource-aws.partial" "$AWSAPI/pulumi-resource-aws"
    echo "$stamp" >"$AWSAPI/stamp"
fi

echo "$BIN"
