/** What applications and generated code use: {@code @Job}, job definitions, options and handles. */
module dev.offload.api {
  exports dev.offload.api;
}
