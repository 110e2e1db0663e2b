package dev.offload.runtime.client;

import dev.offload.api.JobChain;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.TakesResult;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Collects a chain's jobs, immutable step by step, until {@link #enqueue()} stores them. */
final class RedisJobChain<F, L> implements JobChain<F, L> {

  /**
   * One job of a chain with the options it was added with, and the argument that receives the
   * previous job's result ({@code null} for none).
   */
  record Step(JobDefinition<?> job, JobOptions options, String resultArg) {}

  private final OffloadClient client;
  private final List<Step> steps;

  RedisJobChain(OffloadClient client, List<Step> steps) {
    this.client = client;
    this.steps = List.copyOf(steps);
  }

  @Override
  public <N> JobChain<F, N> then(JobDefinition<N> next, JobOptions options) {
    Objects.requireNonNull(next, "next is null: pass the job to run after the chain so far");
    Objects.requireNonNull(
        options, "options is null: pass JobOptions.defaults() to keep the job's own defaults");
    return append(new Step(next, options, null));
  }

  @Override
  public <N, J extends JobDefinition<N> & TakesResult<? super L>> JobChain<F, N> thenWithResult(
      Class<J> next, JobOptions options) {
    Objects.requireNonNull(next, "next is null: pass the class of the job that takes the result");
    Objects.requireNonNull(
        options, "options is null: pass JobOptions.defaults() to keep the job's own defaults");
    RecordComponent[] components = next.getRecordComponents();
    if (components == null || components.length != 1) {
      throw new IllegalArgumentException(
          next.getName()
              + " cannot take a result: it must be a record with exactly one component, such as"
              + " the job the processor generates for a @Job method of one parameter");
    }
    return append(new Step(placeholder(next, components[0]), options, components[0].getName()));
  }

  @Override
  public Enqueued<F, L> enqueue() {
    List<JobHandle<?>> handles = client.enqueueChain(steps);
    @SuppressWarnings("unchecked")
    JobHandle<F> first = (JobHandle<F>) handles.get(0);
    @SuppressWarnings("unchecked")
    JobHandle<L> last = (JobHandle<L>) handles.get(handles.size() - 1);
    return new Enqueued<>(first, handles, last);
  }

  private <N> JobChain<F, N> append(Step step) {
    List<Step> longer = new ArrayList<>(steps);
    longer.add(step);
    return new RedisJobChain<>(client, longer);
  }

  /**
   * The job with its argument left empty (null, or zero for a primitive) until the previous result
   * fills it in; it gives the job's name, defaults and queue.
   */
  private static JobDefinition<?> placeholder(Class<?> type, RecordComponent component) {
    Class<?> argumentType = component.getType();
    Object empty =
        !argumentType.isPrimitive()
            ? null
            : argumentType == boolean.class
                ? Boolean.FALSE
                : argumentType == char.class
                    ? Character.valueOf('\0')
                    : Array.get(Array.newInstance(argumentType, 1), 0);
    try {
      Constructor<?> constructor = type.getDeclaredConstructor(argumentType);
      constructor.setAccessible(true);
      return (JobDefinition<?>) constructor.newInstance(empty);
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw new IllegalArgumentException(
          "cannot build " + type.getName() + " to take a result: " + e.getMessage(), e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          "cannot build "
              + type.getName()
              + " without its argument to take a result: its constructor threw "
              + e.getCause(),
          e.getCause());
    }
  }
}
