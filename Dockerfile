# pressearch: a static binary in a small non-root image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same build line as .ci/run.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/pressearch ./cmd/pressearch

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin pressearch \
    && mkdir -p /data && chown pressearch /data
COPY --from=build /out/pressearch /usr/local/bin/pressearch
USER pressearch
ENV PRESSEARCH_DATA=/data
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/pressearch"]
# The default corpus is indexed into /data at first start.
CMD ["serve", "--addr", "0.0.0.0:8080", "--data", "/data"]
