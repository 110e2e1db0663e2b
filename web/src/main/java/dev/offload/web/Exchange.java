package dev.offload.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request and its response on Jetty, as the dashboard sees them: the parts of the request it
 * reads, and a response that is answered exactly once, or handed over to an event stream.
 */
final class Exchange {

  private final org.eclipse.jetty.server.Request request;
  private final Response response;
  private final Callback callback;
  private boolean answered;
  private int status;

  Exchange(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
    this.request = request;
    this.response = response;
    this.callback = callback;
  }

  String method() {
    return request.getMethod();
  }

  /** The path as sent, still percent-encoded. */
  String rawPath() {
    return request.getHttpURI().getPath();
  }

  /** The query as sent, or {@code null}. */
  String rawQuery() {
    return request.getHttpURI().getQuery();
  }

  /** The request line's target, for the log. */
  String target() {
    return request.getHttpURI().getPathQuery();
  }

  /** The first value of a request header, or {@code null}. */
  String header(String name) {
    return request.getHeaders().get(name);
  }

  List<String> headers(String name) {
    return request.getHeaders().getValuesList(name);
  }

  /**
   * The host and port the request was addressed to: its {@code Host} header, or over HTTP/2 its
   * {@code :authority}.
   */
  String host() {
    String host = header("Host");
    return host != null ? host : request.getHttpURI().getAuthority();
  }

  /** The address of the peer of the connection: the browser's, or a proxy's in front. */
  String clientAddress() {
    return org.eclipse.jetty.server.Request.getRemoteAddr(request);
  }

  /** Whether the request came over TLS. */
  boolean secure() {
    return request.isSecure();
  }

  /** The body, at most {@code max} bytes of it; more than that is a 413. */
  byte[] body(int max) {
    try (InputStream in = org.eclipse.jetty.server.Request.asInputStream(request)) {
      byte[] body = in.readNBytes(max + 1);
      if (body.length > max) {
        throw new HttpError(413, "the request body is over " + max + " bytes");
      }
      return body;
    } catch (IOException e) {
      throw HttpError.badRequest("the request body could not be read");
    }
  }

  HttpFields.Mutable responseHeaders() {
    return response.getHeaders();
  }

  void setHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  void addHeader(String name, String value) {
    response.getHeaders().add(name, value);
  }

  /** The status answered with; 0 before. */
  int status() {
    return status;
  }

  /** Whether the response was sent or handed over already. */
  boolean answered() {
    return answered;
  }

  /** Sends the whole response. */
  void send(int status, String contentType, byte[] body) {
    claim(status);
    response.setStatus(status);
    response.getHeaders().put("Content-Type", contentType);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  void sendText(int status, String message) {
    send(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a response without a body. */
  void sendEmpty(int status) {
    claim(status);
    response.setStatus(status);
    callback.succeeded();
  }

  /**
   * Hands the open response over to an event stream, which writes it and completes it with the
   * callback.
   */
  EventStream stream(String client, String preamble) {
    claim(200);
    response.setStatus(200);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put("Content-Type", "text/event-stream; charset=utf-8");
    // a buffering proxy in front (nginx) would hold the events back
    headers.put("X-Accel-Buffering", "no");
    EventStream stream = new EventStream(response, callback, client);
    request.addFailureListener(stream::fail);
    stream.send(preamble);
    return stream;
  }

  private void claim(int status) {
    if (answered) {
      throw new IllegalStateException("the response was sent already");
    }
    answered = true;
    this.status = status;
  }
}
