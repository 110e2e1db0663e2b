package dev.offload.web.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection on a plain socket, from a chosen loopback address (127.0.0.2 is another
 * client to the dashboard), for what a client library hides: partial requests, open streams.
 */
public final class RawHttp implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /** Connects to 127.0.0.1:{@code port} from {@code from}, such as "127.0.0.2". */
  public static RawHttp connect(String from, int port) {
    try {
      Socket socket = new Socket();
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      return new RawHttp(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} as it is. */
  public RawHttp send(String text) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the response's status line and headers. */
  public String head() {
    return readUntil("\r\n\r\n");
  }

  /** Reads until {@code end} has been read, or the connection ends; what was read. */
  public String readUntil(String end) {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) != -1) {
        read.write(b);
        if (read.toString(StandardCharsets.UTF_8).endsWith(end)) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return read.toString(StandardCharsets.UTF_8);
  }

  /** Reads to the end of the connection; fails if it has not ended within ten seconds. */
  public String readToEnd() {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
