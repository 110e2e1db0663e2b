package dev.offload.runtime.client;

import java.time.Instant;

/**
 * A job waiting on its queue, as listed page by page.
 *
 * @param id the job's id
 * @param jobName the job's name; empty when its stored record cannot be read
 * @param arguments the arguments as stored, in JSON; for a record that cannot be read, the record
 * @param failedAttempts how many attempts already failed
 * @param maxAttempts how many attempts it gets
 * @param enqueuedAt when it was enqueued
 */
public record PendingJob(
    long id,
    String jobName,
    String arguments,
    int failedAttempts,
    int maxAttempts,
    Instant enqueuedAt) {}
