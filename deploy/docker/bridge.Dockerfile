# ember-bridge (ASP.NET Core), framework-dependent, on the chiseled (distroless) ASP.NET Core image.
# Build from the repository root:  docker build -f deploy/docker/bridge.Dockerfile -t ember-bridge .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY otlp-bridge/Ember.Profiles/ otlp-bridge/Ember.Profiles/
COPY otlp-bridge/Ember.Otlp/ otlp-bridge/Ember.Otlp/
COPY agent/Ember.Symbols/ agent/Ember.Symbols/
COPY otlp-bridge/Ember.Bridge/ otlp-bridge/Ember.Bridge/
RUN dotnet publish otlp-bridge/Ember.Bridge/Ember.Bridge.csproj -c Release -o /out

# Chiseled: no shell, no package manager, non-root user "app" (uid 1654).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS final
WORKDIR /app
COPY --from=build /out/ ./
USER 1654
EXPOSE 4317 4318
ENTRYPOINT ["dotnet", "/app/ember-bridge.dll"]
