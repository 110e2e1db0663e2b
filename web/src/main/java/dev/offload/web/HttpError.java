package dev.offload.web;

/** A request that cannot be served, with the status code and the plain message to answer with. */
final class HttpError extends RuntimeException {

  private final int status;

  HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }

  static HttpError notFound(String message) {
    return new HttpError(404, message);
  }

  static HttpError forbidden(String message) {
    return new HttpError(403, message);
  }

  int status() {
    return status;
  }
}
