package io.trueroi.ingest;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Every source reader, in the order the ingest job runs them. */
public final class Readers {
    static final List<SourceReader> ALL = List.of(
            new WechatEventsReader(),
            new WechatUsersReader(),
            new WechatPhoneAuthReader(),
            new WecomContactsReader(),
            new EcommerceOrdersReader(),
            new EcommerceRefundsReader(),
            new PosTransactionsReader(),
            new AdSpendReader(),
            new AdClicksReader());

    private Readers() {}

    /** The source groups (wechat, ecommerce, pos, ads). */
    public static Set<String> groups() {
        return ALL.stream().map(SourceReader::sourceGroup).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Readers of the given groups; every group must exist. */
    public static List<SourceReader> ofGroups(Set<String> groups) {
        for (String g : groups) {
            if (!groups().contains(g)) {
                throw new IllegalArgumentException("unknown source '" + g + "'; expected one of " + groups());
            }
        }
        return ALL.stream().filter(r -> groups.contains(r.sourceGroup())).toList();
    }
}
