package io.backupkit.api;

import java.util.Map;

/**
 * The part of an {@link OperationInfo} that depends on the kind of operation: the spec's
 * {@code operation_info.oneOf} of {@link BackupStatus}, {@link RestoreStatus} and
 * {@link FactoryResetStatus}. Test with {@code instanceof} to tell them apart.
 */
public sealed interface OperationStatus permits BackupStatus, RestoreStatus, FactoryResetStatus {
    /** The operation type this shape belongs to; never null. */
    OperationType operationType();

    /** Extension properties ({@code <prop>: any}), in insertion order; never null, possibly empty. */
    Map<String, Object> properties();
}
