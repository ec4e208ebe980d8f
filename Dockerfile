# syntax=docker/dockerfile:1
# intune-codesign as a container image: the tarball `pnpm package` writes — the one test/install.test.ts installs
# and runs — installed with npm, run as a non-root user, state on a volume. No image is built or tested by this
# repository's CI (no container engine there): build it yourself, from the repository root (README: Container image):
#   pnpm package
#   docker build -t registry.example.com/intune-codesign:0.2.0 .
FROM node:20.20.2-bookworm-slim

# The package's version: the tarball's name, and the tag the README and examples/kubernetes/cronjob.yaml use.
ARG VERSION=0.2.0

# The install the README gives, nothing more (better-sqlite3 fetches its prebuilt addon for this Node.js). The
# tarball comes in through a bind mount and npm's cache through a cache mount: neither stays in a layer.
RUN --mount=type=bind,source=dist,target=/tmp/dist --mount=type=cache,target=/root/.npm \
    npm install -g --no-audit --no-fund /tmp/dist/intune-codesign-${VERSION}.tgz

# The same uid/gid as examples/kubernetes/cronjob.yaml's securityContext; the state volume is theirs.
RUN groupadd --system --gid 10001 intune-codesign \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin intune-codesign \
    && install -d -o 10001 -g 10001 -m 0700 /var/lib/intune-codesign
ENV INTUNE_CODESIGN_STATE=/var/lib/intune-codesign/state.db
VOLUME ["/var/lib/intune-codesign"]
USER 10001:10001
ENTRYPOINT ["intune-codesign"]
CMD ["--help"]
