/**
 * What user code touches at compile time: {@code @Job}, the job contract, the client interface and
 * the value types the runtime and dashboard hand back.
 */
module dev.offload.api {
  exports dev.offload.api;

  uses dev.offload.api.JobInstances;
}
