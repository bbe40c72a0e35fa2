#!/usr/bin/env bash
# Offline pipeline against the emulator, ready to run from any directory:
#
#   examples/ci/run.sh            # or: WORK_DIR=/tmp/ci VERSION=0.2.0 examples/ci/run.sh (default: the VERSION file)
#   TF_BIN=tofu examples/ci/run.sh   # with OpenTofu instead of Terraform
#
# 1. builds the provider into a filesystem mirror and writes a CLI configuration that installs from it only;
# 2. builds the emulator and starts the binary (so $! is the emulator itself, and `kill` stops it);
# 3. terraform get (the configuration's modules), providers lock from the mirror, init, apply,
#    plan -detailed-exitcode (0 = no changes);
# 4. changes the control outside Terraform (token request + PATCH with curl) and checks that
#    plan -refresh-only -detailed-exitcode reports the drift (2), then applies to put it back;
# 5. stops the emulator. Its state file stays in WORK_DIR.
#
# Needs go, curl and terraform (>= 1.5) or OpenTofu on PATH. Nothing is downloaded from a registry.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=${REPO_ROOT:-$(cd "$here/../.." && pwd)}
work=${WORK_DIR:-$(mktemp -d)}
version=${VERSION:-$(cat "$repo/VERSION")}
os_arch="$(go env GOOS)_$(go env GOARCH)"
tf=${TF_BIN:-terraform}
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

step() { printf '== %s\n' "$*"; }

# 1. The provider in a filesystem mirror: <mirror>/<host>/<namespace>/<type>/<version>/<os>_<arch>/<binary>.
#    The short source "securescore/securescore" means registry.terraform.io to Terraform and registry.opentofu.org
#    to OpenTofu, so the mirror holds it under both hosts.
mirror="$work/mirror"
bin="terraform-provider-securescore_v$version"
tf_dir="$mirror/registry.terraform.io/securescore/securescore/$version/$os_arch"
tofu_dir="$mirror/registry.opentofu.org/securescore/securescore/$version/$os_arch"
step "build the provider into $tf_dir"
mkdir -p "$tf_dir" "$tofu_dir" "$work/bin"
(cd "$repo" && go build -ldflags "-X main.version=$version" -o "$tf_dir/$bin" .)
cp "$tf_dir/$bin" "$tofu_dir/$bin"
sources='"registry.terraform.io/securescore/securescore", "registry.opentofu.org/securescore/securescore"'
cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = [$sources]
  }
  direct {
    exclude = [$sources]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"

# 2. The emulator binary on a free loopback port; its first lines name the URL (EMULATOR_URL=...).
step "build and start the emulator"
(cd "$repo" && go build -o "$work/bin/securescore-emulator" ./internal/cmd/securescore-emulator)
"$work/bin/securescore-emulator" -listen 127.0.0.1:0 -state "$work/emulator.json" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
stop_emulator() {
  kill "$emulator_pid" 2>/dev/null || true
  wait "$emulator_pid" 2>/dev/null || true
}
trap stop_emulator EXIT
url=""
for _ in $(seq 1 600); do # up to a minute: only a hang should end the wait on a loaded machine
  url=$(sed -n 's/^EMULATOR_URL=//p' "$work/emulator.log")
  [ -n "$url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not start" >&2; cat "$work/emulator.log" >&2; exit 1; }
echo "emulator at $url (pid $emulator_pid)"

export ARM_TENANT_ID=00000000-0000-4000-8000-000000000001
export ARM_CLIENT_ID=11111111-1111-4111-8111-111111111111
export ARM_CLIENT_SECRET=emulator-secret
export ARM_GRAPH_ENDPOINT="$url"
export ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST="$url"

# 3. Lock the provider from the mirror, init, apply, and a plan that must be empty. `providers lock` reads the
#    whole configuration, modules included, and stops with "Module not installed" before they are: `get` installs
#    them first (it needs no provider). In a real pipeline, commit the lock file this writes (for every platform
#    the mirror holds: one -platform each), so that later runs only verify it.
config="$work/config"
mkdir -p "$config"
cp -R "$here/main.tf" "$here/modules" "$config/"
cd "$config"
step "${tf##*/} get"
"$tf" get -no-color >/dev/null
step "${tf##*/} providers lock -fs-mirror"
"$tf" providers lock -fs-mirror="$mirror" -platform="$os_arch" -no-color >/dev/null
step "${tf##*/} init"
init_out=$("$tf" init -no-color)
if grep -q "Incomplete lock file information" <<<"$init_out"; then
  printf '%s\n' "$init_out" >&2
  echo "init found the lock file incomplete: the lock step did not cover this configuration" >&2
  exit 1
fi
step "${tf##*/} apply"
"$tf" apply -auto-approve -no-color >/dev/null
step "${tf##*/} plan -detailed-exitcode"
rc=0
"$tf" plan -detailed-exitcode -no-color >/dev/null || rc=$?
[ "$rc" -eq 0 ] || { echo "expected no changes after apply, plan exited $rc" >&2; exit 1; }
echo "no changes (exit 0)"

# 4. A change made outside Terraform, as someone in the portal would: a token, then the documented v1.0 PATCH
#    with all four properties.
step "change the control outside Terraform"
token=$(curl -fsS "$url/$ARM_TENANT_ID/oauth2/v2.0/token" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode "client_id=$ARM_CLIENT_ID" \
  --data-urlencode "client_secret=$ARM_CLIENT_SECRET" \
  --data-urlencode "scope=https://graph.microsoft.com/.default" |
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "no access token" >&2; exit 1; }
curl -fsS -X PATCH "$url/v1.0/security/secureScoreControlProfiles/BlockLegacyAuthentication" \
  -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d '{"assignedTo":"","comment":"Risk accepted in the portal","state":"Ignored",
       "vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}'
step "${tf##*/} plan -refresh-only -detailed-exitcode"
rc=0
"$tf" plan -refresh-only -detailed-exitcode -no-color >/dev/null || rc=$?
[ "$rc" -eq 2 ] || { echo "expected the drift to be reported (exit 2), plan exited $rc" >&2; exit 1; }
echo "drift detected (exit 2)"
step "${tf##*/} apply (puts the control back)"
"$tf" apply -auto-approve -no-color >/dev/null
rc=0
"$tf" plan -detailed-exitcode -no-color >/dev/null || rc=$?
[ "$rc" -eq 0 ] || { echo "expected no changes after the repair, plan exited $rc" >&2; exit 1; }
echo "no changes (exit 0)"

# 5. The trap stops the emulator.
step "done; emulator state in $work/emulator.json"
