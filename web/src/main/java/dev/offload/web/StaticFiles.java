package dev.offload.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The UI's files, read from the jar once at start; only these names are ever served. */
final class StaticFiles {

  /** One file's bytes and content type. */
  record Asset(byte[] bytes, String contentType) {}

  private static final String ROOT = "/dev/offload/web/static/";

  private final Map<String, Asset> assets =
      Map.of(
          "index.html", load("index.html", "text/html; charset=utf-8"),
          "login.html", load("login.html", "text/html; charset=utf-8"),
          "app.js", load("app.js", "text/javascript; charset=utf-8"),
          "login.js", load("login.js", "text/javascript; charset=utf-8"),
          "app.css", load("app.css", "text/css; charset=utf-8"),
          "favicon.svg", load("favicon.svg", "image/svg+xml"));

  /** The file called {@code name}, or {@code null}. */
  Asset get(String name) {
    return assets.get(name);
  }

  private static Asset load(String name, String contentType) {
    try (InputStream in = StaticFiles.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException(ROOT + name + " is missing from the dashboard's jar");
      }
      return new Asset(in.readAllBytes(), contentType);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + ROOT + name, e);
    }
  }
}
