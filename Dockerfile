# Revisit services image: one image, the command picks the service (worker, serve, ingest).
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      libfaiss-dev libopenblas0-pthread python3 make g++ patch ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm install --ignore-scripts --no-audit --no-fund
# .dockerignore keeps data directories, key files and node_modules out of this copy.
COPY . .
RUN bash scripts/build-faiss.sh && node --import tsx models/fetch-models.ts

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libfaiss-dev libopenblas0-pthread ffmpeg \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# The digests volume's mount point: a named volume takes this owner, so the scheduler can write.
RUN install -d -o node -g node -m 0700 /app/digests
USER node
ENV NODE_ENV=production OMP_NUM_THREADS=1 LOG_LEVEL=info
ENTRYPOINT ["node", "bin/revisit.js"]
CMD ["--help"]
