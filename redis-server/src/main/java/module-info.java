/**
 * A private {@code redis-server} process on a free loopback port: the demo's Redis when none is
 * given, and the tests'. The binary comes from the {@code PATH}, else from the {@code
 * embedded-redis} artifact, read from the class path.
 */
module dev.offload.redisserver {
  exports dev.offload.redisserver;
}
