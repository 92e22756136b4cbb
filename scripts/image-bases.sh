# Sourced by scripts/check-image.sh (uses its WORK, log and fail): makes the two base images the
# Dockerfile names, which no registry here can serve, and tags them with its names:
# - the runtime base, a distroless image: the listed Debian packages unpacked with no
#   dependencies, no maintainer scripts, no shell and no package manager, as distroless's
#   own build does, plus its users (root, nobody, nonroot) and CA bundle;
# - the build stage's Rust image: Debian minbase with the slim image's dpkg excludes and apt
#   settings, this machine's own toolchain laid out as the official image lays it out
#   (/usr/local/rustup, /usr/local/cargo, PATH), and this machine's extra CA certificates,
#   which its TLS-intercepting egress to crates.io needs.
# Made once per machine; IMAGE_CHECK_FRESH=1 remakes them (a fresh machine).

# The names the Dockerfile uses, read from it so that the two cannot drift.
BUILD_BASE=$(awk '/^FROM .* AS build/ { print $2 }' Dockerfile)
RUNTIME_BASE=$(awk '/^FROM / && !/ AS / { print $2 }' Dockerfile | tail -1)
RUST_VERSION=${BUILD_BASE#rust:}; RUST_VERSION=${RUST_VERSION%%-*}
SUITE=${BUILD_BASE##*-}
# The binaries link against the build stage's glibc: the runtime must be the same release.
[[ $SUITE == bookworm && ${RUNTIME_BASE%%:*} == *-debian12 ]] ||
  fail "the build stage ($BUILD_BASE) and the runtime ($RUNTIME_BASE) are not both Debian 12"
# What gcr.io/distroless/cc-debian12 holds (distroless's base and cc package lists).
DISTROLESS_PACKAGES=(base-files netbase tzdata libc6 libssl3 ca-certificates libgcc-s1 libgomp1 libstdc++6)
MIRRORS=("deb http://deb.debian.org/debian $SUITE main" "deb http://deb.debian.org/debian $SUITE-updates main"
  "deb http://deb.debian.org/debian-security $SUITE-security main")
# The official image's apt settings: no package cache left behind by an `apt-get install`.
cat >"$WORK/docker-apt.conf" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
APT
SLIM=(--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr --aptopt="$WORK/docker-apt.conf"
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*')

# A name as buildah stores it: Docker Hub's short names get their registry.
image_ref() {
  case $1 in
    *.*/*) echo "$1" ;;
    */*) echo "docker.io/$1" ;;
    *) echo "docker.io/library/$1" ;;
  esac
}
# A root filesystem's tar committed as the image $1, configured by the rest (buildah config).
commit_rootfs() {
  local name=$1 tar=$2 ctr; shift 2
  ctr=$(buildah from scratch)
  buildah add "$ctr" "$tar" / >/dev/null
  buildah config "$@" "$ctr"
  buildah commit --quiet --rm "$ctr" "$(image_ref "$name")" >/dev/null
}
have_image() { [ -z "${IMAGE_CHECK_FRESH:-}" ] && buildah inspect --type image "$(image_ref "$1")" >/dev/null 2>&1; }

# The distroless root: each package's files, merged /usr, its users, its CA bundle.
make_distroless() {
  local apt=$WORK/apt root=$WORK/distroless deb
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" "$root/usr"/{bin,lib,lib64,sbin}
  printf '%s\n' "${MIRRORS[@]}" >"$apt/sources.list"
  local opts=(-qq -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update
  (cd "$apt/debs" && apt-get "${opts[@]}" download "${DISTROLESS_PACKAGES[@]}")
  for dir in bin lib lib64 sbin; do ln -s "usr/$dir" "$root/$dir"; done
  for deb in "$apt"/debs/*.deb; do
    dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$root"
  done
  rm -rf "$root"/usr/share/{man,info,locale,lintian}
  find "$root/usr/share/doc" -type f ! -name copyright -delete
  mkdir -p "$root/etc/ssl/certs" "$root/home/nonroot" "$root/root" "$root/tmp"
  cat "$root"/usr/share/ca-certificates/mozilla/*.crt >"$root/etc/ssl/certs/ca-certificates.crt"
  printf '%s\n' root:x:0:0:root:/root:/sbin/nologin nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin \
    nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin >"$root/etc/passwd"
  printf '%s\n' root:x:0: nobody:x:65534: nonroot:x:65532: tty:x:5: staff:x:50: >"$root/etc/group"
  chmod 1777 "$root/tmp"; chmod 700 "$root/root" "$root/home/nonroot"; chown 65532:65532 "$root/home/nonroot"
  tar -C "$root" -cf "$WORK/runtime.tar" .
}

if ! have_image "$RUNTIME_BASE"; then
  log "making $RUNTIME_BASE from Debian's packages: ${DISTROLESS_PACKAGES[*]}"
  make_distroless
  # The `nonroot` tag's user and home, as distroless sets them (the Dockerfile names its own).
  commit_rootfs "$RUNTIME_BASE" "$WORK/runtime.tar" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt --user 65532:65532 --workingdir /home/nonroot
fi
if ! have_image "$BUILD_BASE"; then
  full=$(rustc --version | awk '{ print $2 }')
  [[ $full == "$RUST_VERSION".* ]] || fail "the Dockerfile builds with Rust $RUST_VERSION, this machine has $full"
  toolchain=$(rustc --print sysroot)
  log "making $BUILD_BASE from Debian's packages and $toolchain"
  name="$full-x86_64-unknown-linux-gnu"
  mmdebstrap --quiet --mode=root --variant=minbase "${SLIM[@]}" --include=ca-certificates,gcc,libc6-dev \
    --customize-hook="cp /usr/local/share/ca-certificates/*.crt \"\$1/usr/local/share/ca-certificates/\" && chroot \"\$1\" update-ca-certificates >/dev/null" \
    --customize-hook="mkdir -p \"\$1/usr/local/rustup/toolchains/$name\" \"\$1/usr/local/cargo/bin\"" \
    --customize-hook="tar -C '$toolchain' --exclude=./share/doc -cf - . | tar -C \"\$1/usr/local/rustup/toolchains/$name\" -xf -" \
    --customize-hook="cp \"\$(readlink -f \"\$(command -v rustup)\")\" \"\$1/usr/local/cargo/bin/rustup\"" \
    --customize-hook="for t in cargo rustc rustdoc; do ln -s rustup \"\$1/usr/local/cargo/bin/\$t\"; done" \
    --customize-hook="printf 'version = \"12\"\ndefault_toolchain = \"$name\"\nprofile = \"minimal\"\n' > \"\$1/usr/local/rustup/settings.toml\"" \
    "$SUITE" "$WORK/build.tar" "${MIRRORS[@]}"
  commit_rootfs "$BUILD_BASE" "$WORK/build.tar" --cmd bash --env RUSTUP_HOME=/usr/local/rustup --env CARGO_HOME=/usr/local/cargo \
    --env PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env RUST_VERSION="$full"
fi
