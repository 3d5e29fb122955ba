package io.trueroi.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The most heap in use at one instant since the last {@link #reset}: the heap is fullest just
 * before a collection, so each collection's "before" usage summed over the heap pools is sampled.
 * (Summing each pool's own peak, as {@code MemoryPoolMXBean.getPeakUsage} gives it, overstates:
 * eden, survivor and old peak at different times, and the sum exceeded {@code -Xmx4g}.)
 */
final class HeapPeak {
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private final AtomicLong peak = new AtomicLong();
    /** JVM uptime (ms) at the last reset: collections that started before it belong to the last phase. */
    private volatile long since;

    HeapPeak() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(this::onGc, null, null);
        }
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GcInfo gc = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                .getGcInfo();
        // Notifications arrive on their own thread, after the fact: reset's own System.gc() can report
        // its (full) "before" heap after reset has returned.
        if (gc.getStartTime() < since) {
            return;
        }
        Map<String, MemoryUsage> before = gc.getMemoryUsageBeforeGc();
        long used = before.entrySet().stream()
                .filter(e -> heapPools.contains(e.getKey()))
                .mapToLong(e -> e.getValue().getUsed())
                .sum();
        peak.accumulateAndGet(used, Math::max);
    }

    /** Collects, then starts a new peak from the heap now in use. */
    void reset() {
        System.gc();
        since = ManagementFactory.getRuntimeMXBean().getUptime();
        peak.set(used());
    }

    /** The peak since {@link #reset}, in MiB. */
    long mib() {
        return Math.max(peak.get(), used()) >> 20;
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
