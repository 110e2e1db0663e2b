package dev.offload.runtime;

/**
 * One argument of a job, as its class declares it: the generated job classes are records whose
 * components are the arguments of the {@code @Job} method.
 *
 * @param name the argument's name, the property it has in the job's JSON
 * @param type its Java type as written in source, without packages: {@code int}, {@code String},
 *     {@code List<String>}
 */
public record JobArgument(String name, String type) {

  @Override
  public String toString() {
    return "`" + name + "` (" + type + ")";
  }
}
