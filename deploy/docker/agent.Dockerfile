# ember-agent as a native-AOT binary on a minimal base.
# Build from the repository root:  docker build -f deploy/docker/agent.Dockerfile -t ember-agent .
# The build needs only the .NET SDK image (plus the C toolchain native AOT links with, installed here);
# the committed bpf/profiler.bpf.o is embedded, so no clang for BPF is needed.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY bpf/ bpf/
COPY agent/Ember.Bpf/ agent/Ember.Bpf/
COPY agent/Ember.Symbols/ agent/Ember.Symbols/
COPY agent/Ember.Agent/ agent/Ember.Agent/
COPY otlp-bridge/Ember.Profiles/ otlp-bridge/Ember.Profiles/
COPY otlp-bridge/Ember.Otlp/ otlp-bridge/Ember.Otlp/
RUN case "${TARGETARCH:-amd64}" in arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac \
 && dotnet publish agent/Ember.Agent/Ember.Agent.csproj -c Release -r "$rid" -o /out

# runtime-deps: the native libraries a self-contained .NET binary needs, nothing else. libbpf1
# provides libbpf.so.1, which the agent loads at run time (DESIGN.md decision 2).
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS final
RUN apt-get update \
 && apt-get install -y --no-install-recommends libbpf1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ember-agent /usr/local/bin/ember-agent
# Runs as root with only CAP_BPF, CAP_PERFMON and CAP_SYS_PTRACE (deploy/kubernetes/agent-daemonset.yaml).
USER 0
ENTRYPOINT ["/usr/local/bin/ember-agent"]
CMD ["run"]
