package dev.offload.web.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A script's view of the dashboard: a cookie jar, the CSRF token, JSON in and out. */
public final class WebClient {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private String csrfToken;

  public WebClient(URI base) {
    this.base = base;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  public HttpClient http() {
    return http;
  }

  public URI uri(String path) {
    return base.resolve(path);
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public JsonNode getJson(String path) {
    HttpResponse<String> response = get(path);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return json(response);
  }

  /** A POST with this session's CSRF token, as the dashboard's page sends it. */
  public HttpResponse<String> post(String path, String json) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .header("X-Offload-Csrf", csrfToken())
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public HttpResponse<String> post(String path) {
    return post(path, "{}");
  }

  public JsonNode postJson(String path, String json) {
    HttpResponse<String> response = post(path, json);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return json(response);
  }

  public String csrfToken() {
    if (csrfToken == null) {
      csrfToken = getJson("/api/session").get("csrfToken").asText();
    }
    return csrfToken;
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode json(HttpResponse<String> response) {
    return parse(response.body());
  }

  /** Parses JSON text, failing the test when it is not JSON. */
  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }
}
