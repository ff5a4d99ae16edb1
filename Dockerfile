# popfwd in a container: `popfwd watch` by default, config in /config, the archive in /data.
#   docker build -t popfwd .
#   docker run -d --name popfwd -v "$PWD/config:/config:ro" -v popfwd-data:/data popfwd
# More in README.md, "Running it for real".

# Build: all dependencies and the TypeScript compiler, for dist/ only.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY lambda ./lambda
RUN npm run build

# Runtime: production dependencies, the compiled code and the launcher; no compiler, no sources.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The CDK libraries deploy the Lambda from a checkout; the CLI never loads them (185 of 240 MB).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/aws-cdk-lib node_modules/@aws-cdk node_modules/constructs \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY schema ./schema
# The app stays root-owned and read-only to popfwd; it writes only to /data.
RUN mkdir -p /config /data && chown node:node /data
USER node
ENV POPFWD_CONFIG=/config/config.yaml
VOLUME ["/config", "/data"]
# The one directory popfwd may write; the sandbox demo writes here.
WORKDIR /data
ENTRYPOINT ["node", "/app/bin/popfwd.js"]
CMD ["watch"]
