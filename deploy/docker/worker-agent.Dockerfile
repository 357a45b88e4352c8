# The worker agent's image. The build context is a publish of the agent
# (deploy/publish.sh worker-agent DIR); deploy/docker/build-images.sh does both.
#
# BASE_IMAGE: the official .NET runtime-deps image by default. On a machine with
# no registry, deploy/local/prepare.sh makes orchestrator/dotnet-runtime-deps:10.0
# with the same libraries, and build-images.sh passes it.
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE_IMAGE}

COPY . /app/

# Everything else comes from the environment (docs/deploy.md lists it):
#   ConnectionStrings__messaging  amqp://USER:PASSWORD@BROKER:5672  (required)
#   Agent__NodeName, Agent__Labels__KEY, Agent__Reserved__*, Agent__Capacity__*
# The node id is kept under the data path: mount a volume there so that a new
# container of the agent is the same node and adopts its running containers.
ENV Agent__DataPath=/var/lib/orchestrator-agent \
    Agent__DockerEndpoint=unix:///var/run/docker.sock \
    DOTNET_gcServer=0
VOLUME /var/lib/orchestrator-agent
# Tasks' files and secrets are written under /run/orchestrator-agent
# (Agent__TaskFilesPath) and bind-mounted into task containers by the host's
# engine: mount that directory from the host at the same path (-v
# /run/orchestrator-agent:/run/orchestrator-agent). The agent refuses to start
# when it is not on tmpfs, as a container's own /run is not.

# Root, because the agent drives the host's engine through the mounted
# /var/run/docker.sock, which is root's (and root-equivalent in any case).
USER 0
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/Orchestrator.WorkerAgent"]
