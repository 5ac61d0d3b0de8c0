#!/usr/bin/env bash
# Provisions the test target interpreters (python3.13, 3.14, 3.15 from Debian's unstable suite) into a
# cache folder outside the repository, without installing anything into the system.
#
# The packages need a newer glibc than the host's, so the script unpacks that suite's libc6 and the
# libraries the interpreters link beside them, and points each binary at them with patchelf
# (--set-interpreter, and --force-rpath so that extension modules loaded later resolve there too).
# bin/ gets, per version, python3.X, python3.X-dbg (the debug build; Debian's python3.X-dbg is a
# symlink to python3.Xd) and python3.X-nopie. The -nopie package ships its binary as
# /usr/bin/python3.X, so it is unpacked apart and renamed: unpacked in place it would silently
# replace the default interpreter. (On amd64 Debian links the default interpreter without PIE too.)
# root/ also holds libpython3.X.so, libpython3.X-pic.a and the headers, for the embedding tests.
# The new tree is assembled beside the old one and swapped in with renames, so that tests already
# running on the old interpreters never see a half-unpacked tree.
# The archive's address is read from the machine's own apt configuration; only the suite changes.
#
# Usage: scripts/provision-pythons.sh            prints the cache folder's bin/ directory
# Environment: APS_PYTHON_CACHE (default ~/.cache/aps/pythons), APS_PYTHON_SUITE (default sid)
set -euo pipefail

cache=${APS_PYTHON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aps/pythons}
suite=${APS_PYTHON_SUITE:-sid}
versions=(3.13 3.14 3.15)
arch=$(dpkg --print-architecture)
triplet=$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)

roots=()
for v in "${versions[@]}"; do
  roots+=("python$v-minimal" "libpython$v-minimal" "libpython$v-stdlib" "libpython$v" "python$v-dbg"
          "libpython$v-dbg" "python$v-nopie" "libpython$v-dev" "libpython$v-dbg")
done
# The key is the one older copies of this script wrote, so that they accept this tree (a superset of
# theirs) instead of re-provisioning it in turn; a tree of theirs lacks bin/python3.X-dbg and -nopie.
# A tree stamped "v4" (this layout, written by an earlier copy of this version) is accepted too.
stamp_key="$suite ${roots[*]} v3"
complete() {
  [[ -f "$cache/stamp" ]] || return 1
  local stamp
  stamp=$(cat "$cache/stamp")
  [[ "$stamp" == "$stamp_key" || "$stamp" == "$suite "*" v4" ]] || return 1
  for v in "${versions[@]}"; do
    [[ -e "$cache/bin/python$v-dbg" && -e "$cache/bin/python$v-nopie" ]] || return 1
  done
}

if complete; then
  echo "$cache/bin"
  exit 0
fi

log() { echo "provision-pythons: $*" >&2; }

# The Debian archive this machine already uses (its main suite, not -security or -updates).
archive_uri() {
  apt-get indextargets --format '$(REPO_URI)|$(LABEL)|$(RELEASE)' 2>/dev/null |
    awk -F'|' '$2 == "Debian" && $3 !~ /-/ { print $1; exit }'
}
uri=$(archive_uri || true)
if [[ -z "$uri" ]]; then
  log "no Debian archive found in the apt configuration; running 'apt-get update' first"
  apt-get update -qq >&2
  uri=$(archive_uri || true)
fi
[[ -n "$uri" ]] || { log "no Debian archive in the apt configuration"; exit 1; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

mkdir -p "$cache"
work="$cache/apt"
stage="$cache/root.new"
rm -rf "$work" "$stage" "$cache/bin.new" "$cache/root.old" "$cache/bin.old" "$cache/stamp"
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/nopie" "$stage" "$cache/bin.new"
cat >"$work/unstable.sources" <<EOF
Types: deb
URIs: $uri
Suites: $suite
Components: main
Signed-By: $keyring
EOF
apt_opts=(-o "Dir::Etc::SourceList=$work/unstable.sources" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Dir::State::status=/dev/null
          -o "Dir::Cache::archives=$work/archives" -o APT::Architecture="$arch" -q)
log "reading the $suite package index from $uri"
apt-get "${apt_opts[@]}" update >&2

# Each root package and what it depends on, recursively; only the libraries and Python packages are
# needed (debconf, tzdata and friends are not, for running the interpreter).
mapfile -t pkgs < <(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances "${roots[@]}" libc6 2>/dev/null |
  grep -v '^ ' | grep -v '^<' | grep -E '^(lib|python3|gcc-[0-9]+-base)' | sort -u)
log "downloading ${#pkgs[@]} packages"
(cd "$work/archives" && apt-get "${apt_opts[@]}" download "${pkgs[@]}" >&2)
for deb in "$work"/archives/*.deb; do
  name=$(basename "$deb" .deb)
  case "$name" in
    python3.*-nopie_*) dpkg-deb -x "$deb" "$work/nopie/$name" ;;
    *) dpkg-deb -x "$deb" "$stage" ;;
  esac
done
for v in "${versions[@]}"; do
  nopie=("$work"/nopie/python"$v"-nopie_*/usr/bin/python"$v")
  [[ -f "${nopie[0]}" ]] || { log "python$v-nopie has no usr/bin/python$v"; exit 1; }
  cp "${nopie[0]}" "$stage/usr/bin/python$v-nopie"
done

# The binaries are patched to name the final tree ($cache/root), which the stage becomes.
root="$cache/root"
loader_rel="usr/lib/$triplet/ld-linux-x86-64.so.2"
[[ -e "$stage/$loader_rel" ]] || loader_rel="lib/$triplet/ld-linux-x86-64.so.2"
[[ -e "$stage/$loader_rel" ]] || { log "the unpacked libc6 has no dynamic loader"; exit 1; }
rpath="$root/usr/lib/$triplet:$root/lib/$triplet"
for v in "${versions[@]}"; do
  for name in "python$v" "python$v-dbg" "python$v-nopie"; do
    exe=$(realpath "$stage/usr/bin/$name")
    [[ -f "$exe" ]] || { log "no $name among the unpacked packages"; exit 1; }
    patchelf --set-interpreter "$root/$loader_rel" --set-rpath "$rpath" --force-rpath "$exe"
    ln -sf "$root/usr/bin/$name" "$cache/bin.new/$name"
  done
done

if [[ -d "$cache/root" ]]; then mv "$cache/root" "$cache/root.old"; fi
if [[ -d "$cache/bin" ]]; then mv "$cache/bin" "$cache/bin.old"; fi
mv "$stage" "$cache/root"
mv "$cache/bin.new" "$cache/bin"
rm -rf "$cache/root.old" "$cache/bin.old"

# Smoke test: each interpreter starts on the unpacked libc and imports asyncio with its C module.
for v in "${versions[@]}"; do
  for name in "python$v" "python$v-dbg" "python$v-nopie"; do
    "$cache/bin/$name" -c 'import asyncio, _asyncio, ssl, sys; assert sys.version_info[:2] == tuple(map(int, "'"$v"'".split(".")))' \
      || { log "$name does not start"; exit 1; }
  done
done
rm -rf "$work/archives" "$work/lists" "$work/nopie"
echo "$stamp_key" >"$cache/stamp"
log "ready: $("$cache/bin/python3.14" -VV | head -1); $("$cache/bin/python3.15" -VV | head -1)"
echo "$cache/bin"
