package dev.offload.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The UI's files, and the charting library's from its WebJar, read from the class path once at
 * start; only these names, relative to {@code /static/}, are ever served.
 */
final class StaticFiles {

  /** One file's bytes and content type. */
  record Asset(byte[] bytes, String contentType) {}

  private static final String ROOT = "/dev/offload/web/static/";
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  private final Map<String, Asset> assets =
      Map.of(
          "index.html", load("index.html", "text/html; charset=utf-8"),
          "login.html", load("login.html", "text/html; charset=utf-8"),
          "app.js", load("app.js", "text/javascript; charset=utf-8"),
          "login.js", load("login.js", "text/javascript; charset=utf-8"),
          "app.css", load("app.css", "text/css; charset=utf-8"),
          "favicon.svg", load("favicon.svg", "image/svg+xml"),
          "vendor/uplot/uPlot.iife.min.js",
              webJar(uplot() + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
          "vendor/uplot/uPlot.min.css",
              webJar(uplot() + "uPlot.min.css", "text/css; charset=utf-8"));

  /** The file called {@code name}, or {@code null}. */
  Asset get(String name) {
    return assets.get(name);
  }

  /** Where the uPlot WebJar keeps its built files, for the version on the class path. */
  private static String uplot() {
    Properties pom = new Properties();
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
      if (in == null) {
        throw new IllegalStateException(
            UPLOT_POM + " is missing: the org.webjars.npm:uplot jar must be on the class path");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + UPLOT_POM, e);
    }
    return "META-INF/resources/webjars/uplot/" + pom.getProperty("version") + "/dist/";
  }

  private static Asset webJar(String path, String contentType) {
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the uplot WebJar");
      }
      return new Asset(in.readAllBytes(), contentType);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + path, e);
    }
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
