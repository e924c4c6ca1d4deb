# pressearch: a static binary in a small image, run as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same build line as .ci/run (a test checks that they agree).
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/pressearch ./cmd/pressearch

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin pressearch \
    && mkdir -p /data && chown pressearch /data
COPY --from=build /out/pressearch /usr/local/bin/pressearch
USER pressearch
ENV PRESSEARCH_DATA=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/pressearch", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/pressearch"]
# The default corpus is indexed into /data at first start.
CMD ["serve", "--addr", "0.0.0.0:8080", "--data", "/data"]
