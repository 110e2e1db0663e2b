package dev.offload.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches a method and a path such as {@code /api/queues/{queue}/jobs} to its handler, taking the
 * braced segments as parameters. A path known under another method answers 405.
 */
final class Router {

  /** Serves one matched request; the returned value is written as JSON. */
  interface Handler {
    Object handle(Request request) throws Exception;
  }

  /** A matched route and the values of its parameters. */
  record Match(Handler handler, Map<String, String> params) {}

  /** One method and path pattern, split into segments, and its handler. */
  private record Route(String method, String[] segments, Handler handler) {}

  private final List<Route> routes = new ArrayList<>();

  Router get(String pattern, Handler handler) {
    return add("GET", pattern, handler);
  }

  Router post(String pattern, Handler handler) {
    return add("POST", pattern, handler);
  }

  private Router add(String method, String pattern, Handler handler) {
    routes.add(new Route(method, pattern.substring(1).split("/"), handler));
    return this;
  }

  /**
   * The route for {@code segments}, the path's decoded segments.
   *
   * @throws HttpError 404 for an unknown path, 405 for a known path under another method
   */
  Match match(String method, List<String> segments) {
    boolean pathKnown = false;
    for (Route route : routes) {
      Map<String, String> params = bind(route.segments(), segments);
      if (params != null) {
        if (route.method().equals(method)) {
          return new Match(route.handler(), params);
        }
        pathKnown = true;
      }
    }
    throw pathKnown
        ? new HttpError(405, method + " is not allowed here")
        : HttpError.notFound("no such page or API route");
  }

  private static Map<String, String> bind(String[] pattern, List<String> segments) {
    if (pattern.length != segments.size()) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String expected = pattern[i];
      if (expected.startsWith("{")) {
        params.put(expected.substring(1, expected.length() - 1), segments.get(i));
      } else if (!expected.equals(segments.get(i))) {
        return null;
      }
    }
    return params;
  }
}
