# The image of one control-plane service: Api, Scheduler, StateStore or the gateway. The
# build context is a publish of that service (deploy/publish.sh SERVICE DIR);
# deploy/docker/build-images.sh does both and passes EXECUTABLE.
#
# BASE_IMAGE: as in worker-agent.Dockerfile.
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE_IMAGE}
# Orchestrator.Api, Orchestrator.Scheduler, Orchestrator.StateStore or Orchestrator.Gateway.
ARG EXECUTABLE

COPY . /app/
RUN test -x "/app/${EXECUTABLE}" && ln -s "/app/${EXECUTABLE}" /app/service

# Connection strings come from the environment (see deploy/compose/compose.yaml):
#   ConnectionStrings__messaging     amqp://USER:PASSWORD@BROKER:5672   (every service)
#   ConnectionStrings__orchestratordb  Host=...;Database=...;Username=...;Password=...   (StateStore)
#   Gateway__Api, Gateway__ApiKey     the Api's address and a read-only key (the gateway)
# The Api, the gateway and the web UI listen on 8080.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_gcServer=0
EXPOSE 8080

# The control plane needs no privilege: it runs as nobody.
USER 65534
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/service"]
