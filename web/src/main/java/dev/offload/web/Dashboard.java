package dev.offload.web;

import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.client.JobWatcher;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Offload dashboard: a small HTTP server with the JSON API, the live event stream and the UI
 * over one {@link OffloadClient}. Embed it in an agent or an application:
 *
 * <pre>{@code
 * try (Dashboard dashboard = Dashboard.builder(client).port(8080).start()) {
 *   System.out.println("dashboard at " + dashboard.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p>It binds to 127.0.0.1 unless told otherwise, and refuses to bind to any other address without
 * a {@linkplain Builder#password password}. It runs on Jetty: HTTP/1.1 and HTTP/2 (h2c on a plain
 * port; with a {@linkplain Builder#tls keystore}, TLS offering h2 and http/1.1 by ALPN), a bounded
 * pool of {@value #MAX_THREADS} threads, and asynchronous I/O, so that an idle or half-sent
 * connection and an open event stream hold no thread. The client's one subscription to job events
 * feeds the live page and the job-observer widget's event streams (see {@link
 * Builder#watchSecret}). Closing it leaves the client open.
 */
public final class Dashboard implements AutoCloseable {

  /** The most threads serving requests, whatever the number of connections and streams. */
  static final int MAX_THREADS = 48;

  /**
   * How long a connection may stay silent, reading a request's headers or between requests; event
   * streams send a keep-alive well within it.
   */
  static final long IDLE_TIMEOUT_MILLIS = 30_000;

  /** The largest request line and headers. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** HTTP/2 streams at once on one connection: a page following hundreds of widget jobs. */
  static final int MAX_STREAMS_PER_CONNECTION = 512;

  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

  private final Server server;
  private final ServerConnector connector;
  private final JobWatcher watcher;
  private final Access access;
  private final LiveFeed feed;
  private final WidgetStreams widgetStreams;
  private final URI uri;

  private Dashboard(Builder builder, InetAddress address) {
    OffloadClient client = builder.client;
    OffloadAdmin admin = client.admin();
    Overview overview = new Overview(admin);
    List<JobRegistry> registries = new ArrayList<>(builder.registries);
    registries.add(JobRegistry.fromClassPath());
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 4);
    threads.setName("offload-web");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = connector(server, builder, address);
    server.addConnector(connector);
    try {
      connector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the dashboard could not listen on "
              + address.getHostAddress()
              + ":"
              + builder.port
              + " ("
              + e.getMessage()
              + "); is another program using that port? choose another port",
          e);
    }
    int port = connector.getLocalPort();
    String publicOrigin =
        builder.publicUrl == null ? null : WidgetHandler.origin(builder.publicUrl.toString());
    boolean secure =
        builder.keystore != null || (publicOrigin != null && publicOrigin.startsWith("https:"));
    access = new Access(builder.password, builder.readOnly, port, secure, publicOrigin);
    feed = new LiveFeed(overview);
    Router router = new Router();
    new Api(admin, overview, feed, new JobLauncher(client, registries), access).register(router);
    widgetStreams = new WidgetStreams(admin);
    WidgetHandler widget =
        new WidgetHandler(
            builder.watchSecret == null ? null : WatchTokens.withSecret(builder.watchSecret),
            widgetOrigins(builder.widgetOrigins, publicOrigin),
            widgetStreams,
            admin);
    SizeLimitHandler limit = new SizeLimitHandler(Request.MAX_BODY_BYTES, -1);
    limit.setHandler(
        new DashboardHandler(
            access, router, widget, feed, new Metrics(admin), builder.metricsToken));
    server.setHandler(limit);
    watcher = client.watcher();
    watcher.addListener(feed);
    watcher.addListener(widgetStreams);
    uri = uri(builder.keystore != null ? "https" : "http", address, port);
  }

  /** HTTP/1.1 and h2c; or with a keystore, TLS with h2 and http/1.1 by ALPN. */
  private static ServerConnector connector(Server server, Builder builder, InetAddress address) {
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    // the router decodes each segment itself and never maps a path to a file, so an encoded
    // slash in a queue name or job argument is no ambiguity here
    http.setUriCompliance(
        UriCompliance.DEFAULT.with(
            "offload",
            UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
            UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
            UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
            UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    ConnectionFactory[] factories;
    if (builder.keystore == null) {
      HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(http);
      limitStreams(h2c);
      factories = new ConnectionFactory[] {http11, h2c};
    } else {
      http.addCustomizer(new SecureRequestCustomizer());
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStorePath(builder.keystore.toString());
      tls.setKeyStorePassword(builder.keystorePassword);
      tls.setCipherComparator(HTTP2Cipher.COMPARATOR);
      HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
      limitStreams(h2);
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
      alpn.setDefaultProtocol(http11.getProtocol());
      factories =
          new ConnectionFactory[] {
            new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, http11
          };
    }
    ServerConnector connector = new ServerConnector(server, 1, 1, factories);
    connector.setHost(address.getHostAddress());
    connector.setPort(builder.port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    // room for a burst of connections, such as every widget reconnecting after a restart
    connector.setAcceptQueueSize(1024);
    return connector;
  }

  private static void limitStreams(AbstractHTTP2ServerConnectionFactory h2) {
    h2.setMaxConcurrentStreams(MAX_STREAMS_PER_CONNECTION);
  }

  /** Starts configuring a dashboard over {@code client}. */
  public static Builder builder(OffloadClient client) {
    return new Builder(client);
  }

  private Dashboard start() {
    try {
      server.start();
    } catch (Exception e) {
      close();
      throw new IllegalStateException("the dashboard's server did not start: " + e.getMessage(), e);
    }
    log.info("Offload dashboard listening on {}", uri);
    return this;
  }

  /** The port it listens on; the one chosen by the system when configured with port 0. */
  public int port() {
    return connector.getLocalPort();
  }

  private static Set<String> widgetOrigins(Set<String> configured, String publicOrigin) {
    Set<String> origins = new LinkedHashSet<>(configured);
    if (publicOrigin != null) {
      // the dashboard's own pages, as the browser sees them through the proxy
      origins.add(publicOrigin);
    }
    return origins;
  }

  /** The session and login checks, for tests that look inside. */
  Access access() {
    return access;
  }

  /** The widget streams open now, for tests that count them. */
  int openWidgetStreams() {
    return widgetStreams.openStreams();
  }

  /** The connections open now, for tests that count them. */
  int openConnections() {
    return connector.getConnectedEndPoints().size();
  }

  /** Where to open it, such as {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    return uri;
  }

  private static URI uri(String scheme, InetAddress address, int port) {
    String host = address.isAnyLocalAddress() ? "localhost" : address.getHostAddress();
    try {
      return new URI(scheme, null, host, port, "/", null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("an address always makes a URI", e);
    }
  }

  /** Closes the event streams, stops the server and the event subscription. */
  @Override
  public void close() {
    feed.close();
    widgetStreams.close();
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("the dashboard's server did not stop cleanly", e);
    }
    watcher.removeListener(feed);
    watcher.removeListener(widgetStreams);
  }

  /** Configures a dashboard. */
  public static final class Builder {
    private static final int MIN_METRICS_TOKEN = 16;
    private final OffloadClient client;
    private final List<JobRegistry> registries = new ArrayList<>();
    private int port = 8080;
    private String bind = "127.0.0.1";
    private String password;
    private boolean readOnly;
    private String watchSecret;
    private final Set<String> widgetOrigins = new LinkedHashSet<>();
    private Path keystore;
    private String keystorePassword;
    private URI publicUrl;
    private String metricsToken;

    private Builder(OffloadClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The port to listen on; default 8080; 0 for any free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be from 0 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The address to listen on; default 127.0.0.1. Any address that is not a loopback one needs a
     * {@link #password}.
     */
    public Builder bind(String address) {
      this.bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Requires this password: browsers log in with a form, scripts send it with HTTP basic
     * authentication (any user name).
     */
    public Builder password(String password) {
      if (password == null || password.isBlank()) {
        throw new IllegalArgumentException("the dashboard's password must not be blank");
      }
      this.password = password;
      return this;
    }

    /** Shows everything and changes nothing: no controls, and every change is refused. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * Turns on the job-observer widget's event streams: {@code secret} is the one the application
     * signs watch tokens with ({@link WatchTokens#withSecret}). Without it the widget's streams
     * answer 404.
     *
     * @throws IllegalArgumentException if the secret is shorter than {@value
     *     WatchTokens#MIN_SECRET_BYTES} bytes
     */
    public Builder watchSecret(String secret) {
      WatchTokens.withSecret(secret);
      this.watchSecret = secret;
      return this;
    }

    /**
     * The origins whose pages may embed the widget, such as {@code https://shop.example.com};
     * besides them only the dashboard's own. Replaces any set before.
     *
     * @throws IllegalArgumentException if one is not a scheme, a host and an optional port
     */
    public Builder widgetOrigins(List<String> origins) {
      List<String> normalized = origins.stream().map(WidgetHandler::origin).toList();
      widgetOrigins.clear();
      widgetOrigins.addAll(normalized);
      return this;
    }

    /**
     * Serves HTTPS instead of HTTP, offering HTTP/2 and HTTP/1.1, with the key and certificate in
     * {@code keystore} (PKCS12 or JKS, such as {@code keytool -genkeypair} writes).
     *
     * @throws IllegalArgumentException if the keystore is not a readable file
     */
    public Builder tls(Path keystore, String password) {
      Objects.requireNonNull(keystore, "keystore");
      Objects.requireNonNull(password, "password");
      if (!Files.isReadable(keystore) || Files.isDirectory(keystore)) {
        throw new IllegalArgumentException(
            "the dashboard's keystore "
                + keystore.toAbsolutePath()
                + " is not a readable file; make one with keytool -genkeypair -keystore "
                + keystore);
      }
      this.keystore = keystore;
      this.keystorePassword = password;
      return this;
    }

    /**
     * Where browsers reach the dashboard through a reverse proxy, such as {@code
     * https://jobs.example.com/}: POSTs from that origin are accepted even when the proxy does not
     * pass the {@code Host} header on, and with {@code https} the session cookie is {@code Secure}.
     *
     * @throws IllegalArgumentException if it is not an http or https URL of a host, without a path
     */
    public Builder publicUrl(URI url) {
      Objects.requireNonNull(url, "url");
      try {
        WidgetHandler.origin(url.toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "the public URL \""
                + url
                + "\" must be a scheme, a host and an optional port, such as"
                + " https://jobs.example.com; the dashboard must be at the root of its host name",
            e);
      }
      this.publicUrl = url;
      return this;
    }

    /**
     * A bearer token that opens {@code /metrics}, and nothing else, to scrapers such as Prometheus
     * ({@code authorization: {type: Bearer, credentials: ...}}), so that they need not hold the
     * dashboard's password. Without a password the whole dashboard, {@code /metrics} included, is
     * open anyway.
     *
     * @throws IllegalArgumentException if the token is shorter than 16 characters
     */
    public Builder metricsToken(String token) {
      if (token == null || token.strip().length() < MIN_METRICS_TOKEN) {
        throw new IllegalArgumentException(
            "the metrics token must be at least "
                + MIN_METRICS_TOKEN
                + " characters, such as the output of openssl rand -hex 16");
      }
      this.metricsToken = token.strip();
      return this;
    }

    /**
     * Jobs the dashboard may enqueue by name, besides those indexed on its class path. It checks
     * the arguments against each job's class, so the classes must be loadable here.
     */
    public Builder jobs(JobRegistry registry) {
      registries.add(Objects.requireNonNull(registry, "registry"));
      return this;
    }

    /**
     * Starts listening.
     *
     * @throws IllegalStateException if the address is not a loopback one and no password is set
     * @throws UncheckedIOException if the port cannot be had
     */
    public Dashboard start() {
      InetAddress address;
      try {
        address = InetAddress.getByName(bind);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "cannot bind the dashboard to \"" + bind + "\": no such address or host name", e);
      }
      if (!address.isLoopbackAddress() && password == null) {
        throw new IllegalStateException(
            "refusing to start the dashboard on "
                + bind
                + " without a password: anyone who can reach that address could read every job's"
                + " arguments and delete or retry jobs. Set a password (--password, or the"
                + " OFFLOAD_DASHBOARD_PASSWORD environment variable), or bind to 127.0.0.1");
      }
      return new Dashboard(this, address).start();
    }
  }
}
