package io.trueroi.catalog;

/**
 * The kinds of customer identifier the silver tables carry; which table carries which is
 * {@code io.trueroi.identity.Identifiers}. The id is the {@code id_type} value of
 * {@code identity.identity_map} and the key under {@code trueroi.identity.max-links}.
 */
public enum IdType {
    /** An openid, scoped by its app ({@code app:openid}). */
    OPENID,
    UNIONID,
    /** The ingest HMAC of the E.164 phone. */
    PHONE,
    /** The ingest HMAC of the trimmed, lower-cased e-mail. */
    EMAIL,
    /** A member card or own-site member id. */
    MEMBER,
    /** OAID or IDFA. */
    DEVICE,
    /** A WeCom external_userid. */
    WECOM,
    /** An ad click id. */
    CLICK,
    /** A marketplace buyer id, scoped by platform ({@code platform:id}). */
    BUYER;

    /** The stored and configured name: {@code openid}, {@code phone}, ... */
    public String id() {
        return Ids.of(this);
    }

    /** The type named {@code id}; throws naming the known ids otherwise. */
    public static IdType of(String id) {
        return Ids.parse(IdType.class, id, "identifier type", "one of");
    }
}
