package dev.offload.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free loopback port in front of one server, that can slow, reset or silently
 * swallow its connections' traffic, to test how a client lives through a bad network.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.inFrontOf(REDIS.url());
 *     OffloadClient client = OffloadClient.create(proxy.url())) {
 *   proxy.blackhole();  // every connection stays open and goes silent, as behind a dead link
 *   proxy.heal();       // new connections work again; the silenced ones stay dead
 * }
 * }</pre>
 *
 * <p>Each connection is two pipes, one per {@link Direction}; all methods are thread-safe and take
 * effect at once for the bytes read after the call.
 */
public final class TcpProxy implements AutoCloseable {

  /** Which way bytes travel through the proxy. */
  public enum Direction {
    /** From the client that connected to the proxy, to the server behind it. */
    TO_SERVER,
    /** From the server back to the client. */
    TO_CLIENT
  }

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int CHUNK = 16 * 1024;

  private final InetSocketAddress upstream;
  private final ServerSocket listener;
  private final String url;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Map<Direction, Long> delayNanos = new EnumMap<>(Direction.class);
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean blackholed;
  private volatile boolean closed;

  private TcpProxy(String host, int port, URI upstreamUrl) {
    this.upstream = new InetSocketAddress(host, port);
    delayNanos.put(Direction.TO_SERVER, 0L);
    delayNanos.put(Direction.TO_CLIENT, 0L);
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port for the proxy", e);
    }
    this.url =
        withAddress(
            upstreamUrl, listener.getInetAddress().getHostAddress(), listener.getLocalPort());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + port() + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a proxy in front of {@code host:port}; its {@link #url()} is a {@code redis://} URL. */
  public static TcpProxy start(String host, int port) {
    return new TcpProxy(host, port, URI.create("redis://" + host + ":" + port));
  }

  /**
   * Starts a proxy in front of the server a URL names, such as {@code redis://host:6379/1}; the
   * port defaults to Redis's 6379 when the URL has none.
   *
   * @throws IllegalArgumentException if {@code url} is not a URL with a host
   */
  public static TcpProxy inFrontOf(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + url, e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("no host in " + url);
    }
    return new TcpProxy(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort(), uri);
  }

  /** The loopback port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * The upstream URL with the proxy's address in place of the server's; user, password, path (a
   * Redis database number) and query are kept.
   */
  public String url() {
    return url;
  }

  /** How many connections the proxy has accepted since it started, so tests can see reconnects. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /** Holds back every chunk of bytes by {@code delay} in both directions; zero ends the delay. */
  public TcpProxy delay(Duration delay) {
    delay(Direction.TO_SERVER, delay);
    return delay(Direction.TO_CLIENT, delay);
  }

  /** Holds back every chunk of bytes travelling {@code direction} by {@code delay}. */
  public TcpProxy delay(Direction direction, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay: " + delay);
    }
    synchronized (delayNanos) {
      delayNanos.put(Objects.requireNonNull(direction, "direction"), delay.toNanos());
    }
    return this;
  }

  /**
   * Silently drops every byte, both ways, of every current connection and of every connection
   * accepted until {@link #heal()}: sockets stay open and send neither FIN nor RST, as across a
   * dead link. A connection silenced once stays silent after {@code heal()}, since the bytes it
   * lost would leave its two ends out of step.
   */
  public TcpProxy blackhole() {
    blackholed = true;
    links.forEach(Link::silence);
    return this;
  }

  /** Resets every current connection (RST to both ends); new connections are served normally. */
  public TcpProxy cut() {
    links.forEach(Link::abort);
    return this;
  }

  /** Ends delays and the blackhole for traffic to come; connections already silenced stay so. */
  public TcpProxy heal() {
    blackholed = false;
    synchronized (delayNanos) {
      delayNanos.replaceAll((direction, nanos) -> 0L);
    }
    return this;
  }

  /** Stops accepting and resets every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // nothing more to release
    }
    cut();
  }

  private long delayNanos(Direction direction) {
    synchronized (delayNanos) {
      return delayNanos.get(direction);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      Socket server = new Socket();
      try {
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        server.connect(upstream, CONNECT_TIMEOUT_MILLIS);
      } catch (IOException e) {
        abort(client);
        abort(server);
        continue;
      }
      Link link = new Link(client, server);
      links.add(link);
      if (blackholed || closed) {
        link.silence();
      }
      if (closed) {
        link.abort();
      } else {
        link.start();
      }
    }
  }

  private static void abort(Socket socket) {
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
    } catch (SocketException e) {
      // closing below still releases it
    }
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  private static String withAddress(URI uri, String host, int port) {
    try {
      return new URI(
              uri.getScheme(),
              uri.getRawUserInfo(),
              host,
              port,
              uri.getRawPath(),
              uri.getRawQuery(),
              uri.getRawFragment())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot rewrite " + uri, e);
    }
  }

  /** One client connection and its connection to the server. */
  private final class Link {
    private final Socket client;
    private final Socket server;
    private volatile boolean silent;
    private volatile boolean aborted;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      new Pipe(this, client, server, Direction.TO_SERVER).start();
      new Pipe(this, server, client, Direction.TO_CLIENT).start();
    }

    void silence() {
      silent = true;
    }

    void abort() {
      aborted = true;
      links.remove(this);
      TcpProxy.abort(client);
      TcpProxy.abort(server);
    }

    /** A pipe reached the end of its stream or failed; a silent link hides that from the peer. */
    void ended(Direction direction, boolean cleanly) {
      if (silent || aborted) {
        return;
      }
      if (!cleanly) {
        abort();
        return;
      }
      try {
        (direction == Direction.TO_SERVER ? server : client).shutdownOutput();
      } catch (IOException e) {
        abort();
        return;
      }
      if (client.isOutputShutdown() && server.isOutputShutdown()) {
        links.remove(this);
        TcpProxy.abort(client);
        TcpProxy.abort(server);
      }
    }
  }

  /**
   * Bytes of one direction: a reader stamps each chunk as it arrives and a writer sends it once its
   * delay has passed, so a delay adds latency without adding up over a burst.
   */
  private final class Pipe {
    private static final byte[] END = new byte[0];

    private final Link link;
    private final Socket from;
    private final Socket to;
    private final Direction direction;
    private final BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();

    Pipe(Link link, Socket from, Socket to, Direction direction) {
      this.link = link;
      this.from = from;
      this.to = to;
      this.direction = direction;
    }

    private record Chunk(byte[] bytes, long dueNanos) {}

    void start() {
      String name = "tcp-proxy-" + port() + "-" + direction.name().toLowerCase(Locale.ROOT);
      Thread reader = new Thread(this::read, name + "-read");
      Thread writer = new Thread(this::write, name + "-write");
      reader.setDaemon(true);
      writer.setDaemon(true);
      reader.start();
      writer.start();
    }

    private void read() {
      byte[] buffer = new byte[CHUNK];
      try (InputStream in = from.getInputStream()) {
        int n;
        while ((n = in.read(buffer)) != -1) {
          if (!link.silent) {
            chunks.add(
                new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos(direction)));
          }
        }
        chunks.add(new Chunk(END, System.nanoTime() + delayNanos(direction)));
      } catch (IOException e) {
        chunks.add(new Chunk(null, System.nanoTime()));
      }
    }

    private void write() {
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Chunk chunk = chunks.take();
          long wait = chunk.dueNanos() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          if (chunk.bytes() == null || chunk.bytes() == END) {
            link.ended(direction, chunk.bytes() == END);
            return;
          }
          if (!link.silent) {
            out.write(chunk.bytes());
            out.flush();
          }
        }
      } catch (IOException e) {
        link.ended(direction, false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
