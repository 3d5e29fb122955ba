#!/usr/bin/env python3
"""Writes TrueROI's sample world: raw exports for 120 days (2026-07-04 .. 2026-10-31).

A few hundred customers appear across WeChat, e-commerce, POS and ad platforms with the
identifiers that really link them. The files are in the formats documented in README.md,
with the dirt real exports carry, planted on purpose and listed in expected_counts.json so
the ingest tests can check every good row lands and every bad row is quarantined with its
reason. The output is deterministic: same seed, same bytes.

    python3 sample-data/generate.py            # rewrites sample-data/{wechat,ecommerce,pos,ads}

The counts in expected_counts.json are computed here, independently of the Java code, and
are what the end-to-end ingest test asserts.
"""
import csv
import io
import json
import os
import random
import shutil
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

SEED = 20261031
FIRST_DAY = date(2026, 7, 4)
DAYS = 120
CUSTOMERS = 320
ROOT = os.path.dirname(os.path.abspath(__file__))
SHANGHAI = timezone(timedelta(hours=8))  # China has no DST; Hong Kong is also UTC+8

OA_APP = "gh_3a1b2c3d4e5f"          # the Official Account (original id)
MP_APP = "wx9f8e7d6c5b4a3921"       # the Mini Program
STORES = [("SH001", "上海", "CNY"), ("BJ002", "北京", "CNY"), ("HK003", "香港", "HKD")]
AD_PLATFORMS = ["tencent_ads", "ocean_engine", "baidu_sem", "google_ads"]
CAMPAIGNS = {
    "tencent_ads": [("tx_cmp_101", "朋友圈-秋季新品"), ("tx_cmp_102", "公众号-会员日")],
    "ocean_engine": [("oe_cmp_201", "抖音-达人种草"), ("oe_cmp_202", "抖音-直播引流")],
    "baidu_sem": [("bd_cmp_301", "品牌词"), ("bd_cmp_302", "竞品词")],
    "google_ads": [("gg_cmp_401", "HK Search Brand"), ("gg_cmp_402", "HK Display Retargeting")],
}
CLICK_PARAM = {"tencent_ads": "gdt_vid", "ocean_engine": "clickid", "baidu_sem": "bd_vid", "google_ads": "gclid"}
UTM_SOURCE = {"tencent_ads": "wechat_moments", "ocean_engine": "douyin", "baidu_sem": "baidu", "google_ads": "google"}
QR_SCENES = ["store_poster", "autumn_launch", "kol_liveshow", "member_day"]
WECOM_STATES = ["store_sh01", "store_bj02", "live_oe", "moments_ad"]
TMALL_STATUS = ["交易成功", "交易成功", "交易成功", "卖家已发货，等待买家确认", "交易关闭", "等待买家付款"]
JD_STATUS = ["完成", "完成", "等待收货", "已取消"]

rng = random.Random(SEED)
STORE_RNG = random.Random(SEED + 1)
STORE_PHONE = "021-62888888"        # head office landline typed at the tills: the junk hub the identity guard must catch


class Expect:
    """What ingest must make of the files: good rows per silver table, rejects per reason."""

    def __init__(self):
        self.rows = Counter()          # silver table -> rows after deduplication
        self.read = Counter()          # silver table -> data lines read (header excluded)
        self.duplicates = Counter()    # silver table -> rows dropped as duplicates of a kept row
        self.rejects = defaultdict(Counter)  # silver table -> reason code -> lines
        self.files = Counter()

    def good(self, table, n=1):
        self.rows[table] += n
        self.read[table] += n

    def dup(self, table, n=1):
        self.duplicates[table] += n
        self.read[table] += n

    def bad(self, table, code):
        self.rejects[table][code] += 1
        self.read[table] += 1


EXPECT = Expect()
PLANTED = {"users_redelivered": False, "jd_redelivered": False}


def day(i):
    return FIRST_DAY + timedelta(days=i)


def local_dt(d, seconds):
    return datetime(d.year, d.month, d.day, tzinfo=SHANGHAI) + timedelta(seconds=seconds)


def epoch(dt):
    return int(dt.timestamp())


def folder(source, feed, d):
    path = os.path.join(ROOT, source, feed, "dt=" + d.isoformat())
    os.makedirs(path, exist_ok=True)
    return path


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)
    EXPECT.files[os.path.relpath(path, ROOT).split(os.sep)[1]] += 1


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header is not None:
        w.writerow(header)
    for r in rows:
        if isinstance(r, str):      # a raw line planted as is (malformed on purpose)
            buf.write(r + "\n")
        else:
            w.writerow(r)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# The people
# ---------------------------------------------------------------------------------------------
def rand_digits(n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def make_person(i):
    hk = rng.random() < 0.08
    p = {"id": i, "hk": hk}
    if rng.random() < 0.95:
        # Prefixes every numbering-plan check accepts, so "valid" here means valid to libphonenumber.
        p["phone"] = ("+852" + rng.choice(["51", "61", "91"]) + rand_digits(6)) if hk else \
            ("+86" + rng.choice(["13", "18"]) + rand_digits(9))
    p["unionid"] = "o6_bm" + rand_digits(10) + "u%03d" % i if rng.random() < 0.75 else None
    p["oa_openid"] = "oAbC" + rand_digits(12) + "%03d" % i if p["unionid"] and rng.random() < 0.8 else None
    p["mp_openid"] = "oMpX" + rand_digits(12) + "%03d" % i if p["unionid"] and rng.random() < 0.5 else None
    p["wecom_id"] = "wmQ" + rand_digits(14) + "%03d" % i if p["unionid"] and rng.random() < 0.3 else None
    p["member_card"] = "M" + rand_digits(5) + "%03d" % i if rng.random() < 0.5 else None
    p["device_id"] = ("%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                                        rng.getrandbits(12), rng.getrandbits(48))) \
        if rng.random() < 0.45 else None
    p["tmall_nick"] = rng.choice(["tb", "小鹿", "阿花", "kiki_"]) + rand_digits(6) if not hk and rng.random() < 0.4 else None
    p["jd_pin"] = "jd_" + "%010x" % rng.getrandbits(40) if not hk and rng.random() < 0.25 else None
    p["email"] = "user%03d.%s@example.%s" % (i, rand_digits(3), rng.choice(["com", "cn", "hk"])) \
        if rng.random() < 0.35 else None
    p["store"] = "HK003" if hk else rng.choice(["SH001", "BJ002"])
    # Skewed activity: a few very active people, most light.
    p["activity"] = min(0.6, rng.lognormvariate(-3.2, 1.0))
    return p


PEOPLE = [make_person(i) for i in range(CUSTOMERS)]


# ---------------------------------------------------------------------------------------------
# Daily simulation: touches, then purchases more likely after recent touches
# ---------------------------------------------------------------------------------------------
class Day:
    def __init__(self, d):
        self.d = d
        self.oa_events, self.users, self.phone_auth, self.wecom = [], [], [], []
        self.tmall, self.jd, self.ownsite, self.refunds = [], [], [], []
        self.pos = defaultdict(list)
        self.clicks = []


days = [Day(day(i)) for i in range(DAYS)]
last_touch = {}
order_seq = [0]
subscribed = set()
wecom_added = set()
phone_authed = set()
orders_by_day = defaultdict(list)   # day index -> [(platform, order_id, amount, currency)]
pos_sales = []                      # (day index, store, txn id, amount, currency, person)


# For the platforms' own claims (issue 42): each person's ad clicks and every paid order. Recorded
# without a draw from rng, so the files of every other feed are what they were before claims.
CLICKS_OF = defaultdict(list)       # person -> [(day index, time, platform, campaign)]
CLAIMABLE = []                      # (day index, time, person, shop, gross amount in CNY)

# How each platform counts its own conversions (the generator's PlatformClaims.DEFAULTS): click
# window in days, view window, view rate, the shops its pixel or partnership sees.
CLAIM_RULES = {
    "google_ads": (30, 1, 0.30, ("ownsite",)),
    "baidu_sem": (30, 0, 0.0, ("ownsite",)),
    "ocean_engine": (7, 1, 0.20, ("ownsite", "tmall")),
    "tencent_ads": (7, 1, 0.20, ("ownsite", "jd")),
}


def next_id(prefix):
    order_seq[0] += 1
    return "%s%08d" % (prefix, order_seq[0])


def ad_click(today, p, t):
    platform = rng.choice(AD_PLATFORMS if p["hk"] else AD_PLATFORMS[:3])
    cmp_id, _ = rng.choice(CAMPAIGNS[platform])
    click_id = "%s_%016x" % (platform[:2], rng.getrandbits(64))
    landing = "https://shop.example.com/landing?utm_source=%s&utm_medium=cpc&utm_campaign=%s&%s=%s" % (
        UTM_SOURCE[platform], cmp_id, CLICK_PARAM[platform], click_id)
    rec = {"platform": platform, "click_id": click_id, "click_time_ms": epoch(t) * 1000 + rng.randrange(1000),
           "campaign_id": cmp_id, "adgroup_id": cmp_id + "_ag" + str(rng.randrange(1, 3)),
           "device_id": p["device_id"] or "", "openid": (p["oa_openid"] or "") if platform == "tencent_ads" else "",
           "app_id": OA_APP if platform == "tencent_ads" and p["oa_openid"] else "",
           "ip": "%d.%d.%d.%d" % (rng.randrange(36, 223), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)),
           "landing_url": landing}
    today.clicks.append(rec)
    CLICKS_OF[p["id"]].append(((today.d - FIRST_DAY).days, t, platform, cmp_id))
    return platform, cmp_id, click_id


def simulate_day(di, today):
    for p in PEOPLE:
        a = p["activity"]
        touched = None
        if rng.random() < a:
            t = local_dt(today.d, rng.randrange(8 * 3600, 23 * 3600))
            kind = rng.random()
            if kind < 0.45:
                touched = ("ad",) + ad_click(today, p, t)
            elif p["oa_openid"] and kind < 0.8:
                if p["oa_openid"] not in subscribed:
                    subscribed.add(p["oa_openid"])
                    scene = rng.choice(QR_SCENES)
                    today.oa_events.append(oa(p, t, "subscribe", "qrscene_" + scene))
                    today.users.append(user_info(p, t, scene))
                else:
                    ev = rng.choice(["SCAN", "CLICK", "VIEW", "VIEW"])
                    key = {"SCAN": rng.choice(QR_SCENES), "CLICK": rng.choice(["MENU_NEW", "MENU_MEMBER"]),
                           "VIEW": "https://shop.example.com/mp?utm_source=wechat_oa&utm_medium=menu"}[ev]
                    today.oa_events.append(oa(p, t, ev, key))
                touched = ("oa",)
            elif p["wecom_id"] and p["wecom_id"] not in wecom_added:
                wecom_added.add(p["wecom_id"])
                today.wecom.append(wecom(p, t))
                touched = ("wecom",)
            if p["mp_openid"] and p.get("phone") and p["mp_openid"] not in phone_authed and rng.random() < 0.5:
                phone_authed.add(p["mp_openid"])
                today.phone_auth.append(phone_auth(p, t + timedelta(minutes=3)))
        if touched:
            last_touch[p["id"]] = (di, touched)
        lt = last_touch.get(p["id"])
        boost = 0.06 if lt and di - lt[0] <= 7 else 0.0
        if rng.random() < a * 0.12 + boost * a * 3:
            purchase(today, di, p, lt[1] if lt and di - lt[0] <= 7 else None)


def simulate():
    for di, today in enumerate(days):
        simulate_day(di, today)



def oa(p, t, event, key):
    return {"ToUserName": OA_APP, "FromUserName": p["oa_openid"], "CreateTime": epoch(t),
            "MsgType": "event", "Event": event, "EventKey": key}


def user_info(p, t, scene):
    return {"subscribe": 1, "openid": p["oa_openid"], "language": "zh_CN", "subscribe_time": epoch(t),
            "unionid": p["unionid"] or "", "remark": "", "groupid": 0, "tagid_list": [],
            "subscribe_scene": "ADD_SCENE_QR_CODE", "qr_scene": 0, "qr_scene_str": scene, "app_id": OA_APP}


def wecom(p, t):
    return {"external_contact": {"external_userid": p["wecom_id"], "name": rng.choice(["张伟", "王芳", "李娜", "Amy"]),
                                 "type": 1, "unionid": p["unionid"]},
            "follow_user": [{"userid": rng.choice(["sales_sh01", "sales_bj02", "cs_online"]), "remark": "",
                             "createtime": epoch(t), "add_way": rng.choice([1, 2, 3]),
                             "state": rng.choice(WECOM_STATES)}]}


def phone_auth(p, t):
    phone = p["phone"]
    pretty = rng.random()
    if phone.startswith("+86") and pretty < 0.3:
        shown = "%s-%s-%s" % (phone[3:6], phone[6:10], phone[10:])       # 138-1234-5678
    elif phone.startswith("+86") and pretty < 0.5:
        shown = "86 " + phone[3:]
    else:
        shown = phone[3:] if phone.startswith("+86") else phone[4:]
    cc = "852" if phone.startswith("+852") else "86"
    return [MP_APP, p["mp_openid"], p["unionid"] or "", shown, cc, t.isoformat()]


def masked(phone):
    digits = phone[3:] if phone.startswith("+86") else phone[4:]
    return digits[:3] + "****" + digits[-4:]


def purchase(today, di, p, touch):
    t = local_dt(today.d, rng.randrange(9 * 3600, 22 * 3600))
    amount = rng.choice([99, 129, 199, 259, 399, 599, 899]) + rng.choice([0, 0.5, 0.9])
    channel_roll = rng.random()
    if touch and touch[0] == "ad" and channel_roll < 0.6:
        ownsite(today, di, p, t, amount, touch)
    elif p["tmall_nick"] and channel_roll < 0.55:
        tmall(today, di, p, t, amount)
    elif p["jd_pin"] and channel_roll < 0.75:
        jd(today, di, p, t, amount)
    elif channel_roll < 0.85 and not p["hk"]:
        ownsite(today, di, p, t, amount, None)
    else:
        pos(today, di, p, t, amount)


def tmall(today, di, p, t, amount):
    oid = "2026" + rand_digits(14)
    status = rng.choice(TMALL_STATUS)
    paid = "" if status == "等待买家付款" else (t + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    ship = rng.choice(["0.00", "0.00", "8.00"])
    phone = masked(p["phone"]) if p.get("phone") else ""
    today.tmall.append([oid, p["tmall_nick"], "%.2f" % amount, ship, status, rng.choice(["张*", "王*", "李*"]),
                        phone, t.strftime("%Y-%m-%d %H:%M:%S"), paid, "秋季新品 羊毛开衫"])
    if paid and status != "交易关闭":
        orders_by_day[di].append(("tmall", oid, amount, "CNY"))
        CLAIMABLE.append((di, t, p["id"], "tmall", amount))


def jd(today, di, p, t, amount):
    oid = rand_digits(12)
    status = rng.choice(JD_STATUS)
    paid = "" if status == "已取消" else (t + timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S")
    phone = masked(p["phone"]) if p.get("phone") and rng.random() < 0.7 else (p.get("phone") or "")[3:]
    today.jd.append([oid, p["jd_pin"], "%.2f" % amount, "0.00", status, t.strftime("%Y-%m-%d %H:%M:%S"), paid,
                     rng.choice(["刘*", "陈*"]), phone])
    if paid:
        orders_by_day[di].append(("jd", oid, amount, "CNY"))
        CLAIMABLE.append((di, t, p["id"], "jd", amount))


def ownsite(today, di, p, t, amount, touch):
    oid = next_id("OS")
    currency = "USD" if p["hk"] else "CNY"
    amount_cny = amount
    if currency == "USD":
        amount = round(amount / 7.0, 2)
    landing = ""
    if touch:
        _, platform, cmp_id, click_id = touch
        landing = "/landing?utm_source=%s&utm_medium=cpc&utm_campaign=%s&%s=%s" % (
            UTM_SOURCE[platform], cmp_id, CLICK_PARAM[platform], click_id)
    elif rng.random() < 0.3:
        landing = "/?utm_source=newsletter&utm_medium=email&utm_campaign=oct_edm"
    status = rng.choice(["paid", "paid", "paid", "pending"])
    email = p["email"] or ""
    if email and rng.random() < 0.3:
        email = "  " + email.upper() + " "
    device = p["device_id"] or ""
    if not device and rng.random() < 0.3:
        device = "00000000-0000-0000-0000-000000000000"     # IDFA zeroed by limit-ad-tracking
    created = t.isoformat()
    processed = (t + timedelta(seconds=40)).isoformat() if status == "paid" else ""
    phone = p.get("phone") or ""
    member = p["member_card"] or ""
    today.ownsite.append([oid, email, phone, device, member, created, processed, "%.2f" % amount, "0.00", "0.00",
                          currency, status, landing])
    if status == "paid":
        orders_by_day[di].append(("ownsite", oid, amount, currency))
        CLAIMABLE.append((di, t, p["id"], "ownsite", amount_cny))


def pos(today, di, p, t, amount):
    store, city, currency = next(s for s in STORES if s[0] == p["store"])
    txn = next_id("T" + store[:2])
    if currency == "HKD":
        amount = round(amount * 1.1, 2)
    card = p["member_card"] or ""
    phone = ""
    if not card and p.get("phone"):
        phone = p["phone"][3:] if p["phone"].startswith("+86") else p["phone"]
    elif card and store in ("SH001", "BJ002") and STORE_RNG.random() < 0.8:
        phone = STORE_PHONE         # the cashier typed the head office number for a member

    today.pos[store].append([store, city, txn, t.strftime("%Y-%m-%d %H:%M:%S"), card, phone, "%.2f" % amount,
                             currency, "SALE", ""])
    pos_sales.append((di, store, txn, amount, currency, p))


def returns_and_refunds():
    """Refunds for some online orders (some partial) and POS returns, 1-10 days later."""
    for di in range(DAYS):
        for platform, oid, amount, currency in orders_by_day[di]:
            if rng.random() < 0.12:
                rd = min(DAYS - 1, di + rng.randrange(1, 10))
                part = amount if rng.random() < 0.6 else round(amount * rng.choice([0.3, 0.5]), 2)
                t = local_dt(day(rd), rng.randrange(9 * 3600, 21 * 3600))
                days[rd].refunds.append([platform, next_id("RF"), oid, "%.2f" % part, currency,
                                         t.isoformat(), "SUCCESS", rng.choice(["尺码不合适", "质量问题", "不想要了"])])
    for di, store, txn, amount, currency, p in pos_sales:
        if rng.random() < 0.1:
            rd = min(DAYS - 1, di + rng.randrange(1, 7))
            t = local_dt(day(rd), rng.randrange(10 * 3600, 21 * 3600))
            part = amount if rng.random() < 0.7 else round(amount / 2, 2)
            city = next(s[1] for s in STORES if s[0] == store)
            days[rd].pos[store].append([store, city, next_id("R" + store[:2]), t.strftime("%Y-%m-%d %H:%M:%S"),
                                        p["member_card"] or "", "", "-%.2f" % part, currency, "RETURN", txn])


# ---------------------------------------------------------------------------------------------
# Writing, with the planted dirt
# ---------------------------------------------------------------------------------------------
TMALL_HEADER = ["订单编号", "买家会员名", "买家实际支付金额", "买家应付邮费", "订单状态", "收货人姓名", "联系手机",
                "订单创建时间", "订单付款时间", "宝贝标题"]
JD_HEADER = ["订单号", "下单帐号", "应付金额", "运费金额", "订单状态", "下单时间", "付款时间", "客户姓名", "联系电话"]
OWNSITE_HEADER = ["order_id", "email", "phone", "device_id", "member_id", "created_at", "processed_at", "total_price",
                  "total_discounts", "shipping", "currency", "financial_status", "landing_site"]
REFUND_HEADER = ["platform", "refund_id", "order_id", "refund_amount", "currency", "refund_time", "status", "reason"]
POS_HEADER = ["store_id", "city", "transaction_id", "local_time", "member_card", "phone", "amount", "currency", "type",
              "original_transaction_id"]
PHONE_AUTH_HEADER = ["appid", "openid", "unionid", "phone_number", "country_code", "auth_time"]
SPEND_HEADER = ["date", "account_id", "campaign_id", "campaign_name", "adgroup_id", "impressions", "clicks", "cost",
                "currency"]
GOOGLE_SPEND_HEADER = ["Day", "Customer ID", "Campaign ID", "Campaign", "Ad group ID", "Impr.", "Clicks", "Cost",
                       "Currency code"]
# The platforms' own claim columns: Google's names, the Chinese platforms' report headers.
SPEND_HEADERS = {
    "google_ads": GOOGLE_SPEND_HEADER + ["Conversions", "Conv. value", "View-through conv."],
    "baidu_sem": SPEND_HEADER + ["转化数", "转化金额", "浏览转化数"],
    "ocean_engine": SPEND_HEADER + ["转化数", "转化金额", "浏览转化数"],
    "tencent_ads": SPEND_HEADER + ["转化量", "转化金额", "浏览转化数"],
}


def jsonl(records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def platform_claims(day_indexes):
    """Each platform's claims on the paid orders of these days, by (day index, campaign): every
    order its pixel sees after its own last click in its click window, gross, to that click's
    campaign; else, for a person who clicked it at any time, a view-through with its view rate
    (drawn from a generator seeded by person, platform and day, not from rng). Platforms claim
    alone: one order after clicks on two platforms is claimed twice."""
    claims = defaultdict(lambda: [0, 0, 0])       # (di, campaign) -> [conversions, value in CNY cents, views]
    for di, t, person, shop, amount in CLAIMABLE:
        if di not in day_indexes:
            continue
        for platform, (window, view_window, view_rate, sees) in sorted(CLAIM_RULES.items()):
            if shop not in sees:
                continue
            mine = [c for c in CLICKS_OF[person] if c[2] == platform]
            before = [c for c in mine if c[1] <= t]
            if before and di - before[-1][0] < window:
                c = claims[(di, before[-1][3])]
                c[0] += 1
                c[1] += round(amount * 100)
            elif mine and view_window > 0 and \
                    random.Random("%d|%d|%s|%d" % (SEED, person, platform, di)).random() < view_rate:
                nearest = before[-1] if before else mine[0]
                claims[(di, nearest[3])][2] += 1
    return claims


def claim_fields(platform, cmp_id, di):
    conversions, cents, views = CLAIMS.get((di, cmp_id), (0, 0, 0))
    value = "%d.%02d" % divmod(cents, 100)
    if platform == "google_ads":
        value = "%.2f" % (cents / 700.0)             # Google reports in USD, as its cost
    view_window = CLAIM_RULES[platform][1]
    return [conversions, value, views if view_window > 0 else ""]


CLAIMS = {}


def expected_claims():
    """Per platform, the claims its spend reports of the 120 days carry (value in its currency)."""
    out = {}
    for platform in sorted(AD_PLATFORMS):
        fields = [claim_fields(platform, cmp_id, di) for cmp_id, _ in CAMPAIGNS[platform] for di in range(DAYS)]
        cents = sum(round(float(f[1]) * 100) for f in fields)
        out[platform] = {"conversions": sum(f[0] for f in fields), "value": "%d.%02d" % divmod(cents, 100),
                         "view_through": sum(f[2] or 0 for f in fields)}
    return out


def write_day(di, today):
    d = today.d

    # --- WeChat OA events
    lines = [json.dumps(e, ensure_ascii=False) for e in today.oa_events]
    EXPECT.good("wechat_events", len(lines))
    raw = "".join(l + "\n" for l in lines).encode("utf-8")
    if di == 10 and lines:
        raw += lines[0][: len(lines[0]) // 2].encode("utf-8") + b"\n"     # truncated push
        EXPECT.bad("wechat_events", "MALFORMED_JSON")
    if di == 11:
        raw += json.dumps({"ToUserName": OA_APP, "FromUserName": "", "CreateTime": epoch(local_dt(d, 40000)),
                           "MsgType": "event", "Event": "CLICK", "EventKey": "MENU_NEW"}).encode() + b"\n"
        EXPECT.bad("wechat_events", "MISSING_REQUIRED")
    if di == 12:
        raw += b'{"ToUserName":"gh_3a1b2c3d4e5f","FromUserName":"oAbC\xff\xfe","CreateTime":1752000000}\n'
        EXPECT.bad("wechat_events", "BAD_ENCODING")
    if di == 13:
        raw += json.dumps({"ToUserName": OA_APP, "FromUserName": "oAbC999", "CreateTime": "yesterday",
                           "MsgType": "event", "Event": "VIEW", "EventKey": "x"}).encode() + b"\n"
        EXPECT.bad("wechat_events", "BAD_TIMESTAMP")
    write_bytes(os.path.join(folder("wechat", "oa_events", d), "events.jsonl"), raw)

    # --- WeChat user info; the first day from day 20 with users re-delivers the day's users (exact duplicates)
    EXPECT.good("wechat_users", len(today.users))
    raw = jsonl(today.users)
    if di >= 20 and today.users and not PLANTED["users_redelivered"]:
        PLANTED["users_redelivered"] = True
        raw += jsonl(today.users)
        EXPECT.dup("wechat_users", len(today.users))
    write_bytes(os.path.join(folder("wechat", "users", d), "users.jsonl"), raw.encode("utf-8"))

    # --- Mini Program phone authorisations (CSV); placeholders and a masked number keep the row, drop the phone
    rows = list(today.phone_auth)
    EXPECT.good("wechat_phone_auth", len(rows))
    if di == 30:
        rows.append([MP_APP, "oMpXplaceholder01", "", "11111111111", "86", local_dt(d, 50000).isoformat()])
        rows.append([MP_APP, "oMpXplaceholder02", "", "138****0000", "86", local_dt(d, 50100).isoformat()])
        EXPECT.good("wechat_phone_auth", 2)
    if di == 31:
        rows.append(MP_APP + ",oMpXshort,only-four-fields")
        EXPECT.bad("wechat_phone_auth", "FIELD_COUNT")
    write_bytes(os.path.join(folder("wechat", "phone_auth", d), "phone_auth.csv"),
                csv_text(PHONE_AUTH_HEADER, rows).encode("utf-8"))

    # --- WeCom external contacts
    EXPECT.good("wecom_contacts", sum(len(c["follow_user"]) for c in today.wecom))
    raw = jsonl(today.wecom)
    if di == 40:
        raw += '{"external_contact": {"external_userid": "wmQbroken", "unionid": null}, "follow_user": [\n'
        EXPECT.bad("wecom_contacts", "MALFORMED_JSON")
    write_bytes(os.path.join(folder("wechat", "wecom_contacts", d), "contacts.jsonl"), raw.encode("utf-8"))

    # --- Tmall orders: GBK, Chinese header, masked phones, a status with a comma (quoted)
    orders = folder("ecommerce", "orders", d)
    rows = list(today.tmall)
    EXPECT.good("ecommerce_orders", len(rows))
    if di == 50:
        rows.append(["2026" + rand_digits(14), "tb000000", "-59.00", "0.00", "交易成功", "张*", "", 
                     local_dt(d, 36000).strftime("%Y-%m-%d %H:%M:%S"), local_dt(d, 36060).strftime("%Y-%m-%d %H:%M:%S"),
                     "退差价"])
        EXPECT.bad("ecommerce_orders", "NEGATIVE_AMOUNT")
    write_bytes(os.path.join(orders, "tmall_orders.csv"), csv_text(TMALL_HEADER, rows).encode("gbk"))

    # --- JD orders: UTF-8 with BOM; the first day from day 60 with orders is re-delivered in a second file
    rows = list(today.jd)
    EXPECT.good("ecommerce_orders", len(rows))
    write_bytes(os.path.join(orders, "jd_orders.csv"), ("\ufeff" + csv_text(JD_HEADER, rows)).encode("utf-8"))
    if di >= 60 and rows and not PLANTED["jd_redelivered"]:
        PLANTED["jd_redelivered"] = True
        write_bytes(os.path.join(orders, "jd_orders_redelivered.csv"),
                    ("\ufeff" + csv_text(JD_HEADER, rows)).encode("utf-8"))
        EXPECT.dup("ecommerce_orders", len(rows))

    # --- Own-site (Shopify-style) orders
    rows = list(today.ownsite)
    EXPECT.good("ecommerce_orders", len(rows))
    raw = csv_text(OWNSITE_HEADER, rows).encode("utf-8")
    if di == 70:
        bad = ["OS_BAD_0001", "", "", "", "", local_dt(d, 40000).isoformat(), local_dt(d, 40040).isoformat(),
               "12O.00", "0.00", "0.00", "CNY", "paid", ""]
        raw += csv_text(None, [bad]).encode("utf-8")
        EXPECT.bad("ecommerce_orders", "BAD_DECIMAL")
    if di == 71:
        # A campaign name typed on a GBK machine, pasted into a UTF-8 export.
        raw += ("OS_BAD_0002,,,,,%s,%s,99.00,0.00,0.00,CNY,paid,/?utm_campaign=" % (
            local_dt(d, 41000).isoformat(), local_dt(d, 41040).isoformat())).encode("utf-8") + "秋季".encode("gbk") + b"\n"
        EXPECT.bad("ecommerce_orders", "BAD_ENCODING")
    if di == 72:
        raw += b'OS_BAD_0003,"unterminated,quote,,,,,,,,,,\n'
        EXPECT.bad("ecommerce_orders", "MALFORMED_CSV")
    if di == 73:
        raw += csv_text(None, [["OS_BAD_0004", "", "", "", "", "2026-02-30T10:00:00+08:00", "", "99.00", "0.00",
                                "0.00", "CNY", "paid", ""]]).encode("utf-8")
        EXPECT.bad("ecommerce_orders", "BAD_TIMESTAMP")
    if di == 74:
        raw += csv_text(None, [["OS_BAD_0005", "", "", "", "", local_dt(d, 42000).isoformat(), "", "99.00", "0.00",
                                "0.00", "XYZ", "paid", ""]]).encode("utf-8")
        EXPECT.bad("ecommerce_orders", "BAD_CURRENCY")
    write_bytes(os.path.join(orders, "ownsite_orders.csv"), raw)

    # --- Refunds
    rows = list(today.refunds)
    EXPECT.good("ecommerce_refunds", len(rows))
    if di == 80:
        rows.append(["tmall", "RF_BAD_0001", "2026000000", "", "CNY", local_dt(d, 40000).isoformat(), "SUCCESS", ""])
        EXPECT.bad("ecommerce_refunds", "MISSING_REQUIRED")
    write_bytes(os.path.join(folder("ecommerce", "refunds", d), "refunds.csv"),
                csv_text(REFUND_HEADER, rows).encode("utf-8"))

    # --- POS, one file per store; day 90's Beijing file is empty (store closed, 0 bytes)
    pos_dir = folder("pos", "transactions", d)
    for store, _, currency in STORES:
        rows = list(today.pos[store])
        if di == 90 and store == "BJ002":
            assert not rows or True
            EXPECT.good("pos_transactions", 0)
            write_bytes(os.path.join(pos_dir, "pos_%s.csv" % store), b"")
            for r in rows:      # the day's sales are re-sent in the next day's file instead
                days[di + 1].pos[store].append(r)
            continue
        EXPECT.good("pos_transactions", len(rows))
        if di == 95 and store == "SH001":
            rows.append([store, "上海", "TSH_BAD_0001", local_dt(d, 45000).strftime("%Y-%m-%d %H:%M:%S"), "0",
                         "unknown", "-199.00", "CNY", "SALE", ""])
            EXPECT.bad("pos_transactions", "NEGATIVE_AMOUNT")
            rows.append([store, "上海", "TSH_BAD_0002", "2026-13-45 25:00:00", "", "", "199.00", "CNY", "SALE", ""])
            EXPECT.bad("pos_transactions", "BAD_TIMESTAMP")
        if di == 96 and store == "SH001":
            rows.append([store, "上海", "TSH_BAD_0003", local_dt(d, 45000).strftime("%Y-%m-%d %H:%M:%S"), "", "",
                         "99.00", "CNY", "REFUND?", ""])
            EXPECT.bad("pos_transactions", "BAD_VALUE")
        write_bytes(os.path.join(pos_dir, "pos_%s.csv" % store), csv_text(POS_HEADER, rows).encode("utf-8"))

    # --- Ad spend, one report per platform; Google's in USD with its own column names
    spend_dir = folder("ads", "spend", d)
    for platform in AD_PLATFORMS:
        rows = []
        for cmp_id, name in CAMPAIGNS[platform]:
            clicks = sum(1 for c in today.clicks if c["campaign_id"] == cmp_id) + rng.randrange(5, 40)
            impressions = clicks * rng.randrange(30, 120)
            cost = round(clicks * rng.uniform(0.3, 1.2) if platform == "google_ads" else clicks * rng.uniform(1.5, 6), 2)
            currency = "USD" if platform == "google_ads" else "CNY"
            rows.append([d.isoformat(), "acct_" + platform[:2], cmp_id, name, cmp_id + "_ag1", impressions, clicks,
                         "%.2f" % cost, currency] + claim_fields(platform, cmp_id, di))
        EXPECT.good("ad_spend", len(rows))
        if di == 100 and platform == "baidu_sem":
            rows.append(rows[0])
            EXPECT.dup("ad_spend", 1)
            rows.append(d.isoformat() + ",acct_ba,bd_cmp_303,only five")
            EXPECT.bad("ad_spend", "FIELD_COUNT")
        header = SPEND_HEADERS[platform]
        write_bytes(os.path.join(spend_dir, platform + "_spend.csv"), csv_text(header, rows).encode("utf-8"))

    # --- Ad click logs
    EXPECT.good("ad_clicks", len(today.clicks))
    raw = jsonl(today.clicks)
    if di == 110:
        raw += '{"platform": "ocean_engine", "click_id": "oe_trunc'
        raw += "\n"
        EXPECT.bad("ad_clicks", "MALFORMED_JSON")
        raw += json.dumps({"platform": "ocean_engine", "click_id": "", "click_time_ms": 1790000000000,
                           "campaign_id": "oe_cmp_201"}) + "\n"
        EXPECT.bad("ad_clicks", "MISSING_REQUIRED")
    write_bytes(os.path.join(folder("ads", "clicks", d), "clicks.jsonl"), raw.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Identity reference: the OneIDs the identity job must find, by an independent union-find over
# the identifiers of every good row, with the same rules (README, "Identity").
# ---------------------------------------------------------------------------------------------
ID_RECORDS = []
CLICK_PARAMS = ["gclid", "gdt_vid", "qz_gdt", "bd_vid", "clickid", "fbclid"]
MAX_LINKS = {"phone": 10, "email": 10, "member": 10, "device": 10}
EVENT_LEVEL = {"click"}


def e164(shown, country_code="86"):
    if not shown or "*" in shown or shown.strip().lower() in ("unknown", "null", "0", "-"):
        return None
    if shown == STORE_PHONE:
        return "+862162888888"
    digits = "".join(ch for ch in shown if ch.isdigit())
    if shown.startswith("+"):
        return "+" + digits
    if len(set(digits)) == 1:
        return None                      # placeholder
    return ("+852" + digits[-8:]) if country_code == "852" else ("+86" + digits[-11:])


def add_ids(pairs):
    ids = [(t, v) for t, v in pairs if v]
    if ids:
        ID_RECORDS.append(ids)


def click_from(landing):
    if not landing or "?" not in landing:
        return None
    for kv in landing.split("?", 1)[1].split("&"):
        k, _, v = kv.partition("=")
        if k in CLICK_PARAMS and v:
            return v
    return None


def collect_ids(today):
    for e in today.oa_events:
        add_ids([("openid", OA_APP + ":" + e["FromUserName"])])
    for u in today.users:
        add_ids([("openid", u["app_id"] + ":" + u["openid"]), ("unionid", u["unionid"])])
    for r in today.phone_auth:
        add_ids([("openid", r[0] + ":" + r[1]), ("unionid", r[2]), ("phone", e164(r[3], r[4]))])
    for c in today.wecom:
        for _ in c["follow_user"]:
            add_ids([("wecom", c["external_contact"]["external_userid"]), ("unionid", c["external_contact"]["unionid"])])
    for r in today.tmall:
        add_ids([("buyer", "tmall:" + r[1]), ("phone", e164(r[6]))])
    for r in today.jd:
        add_ids([("buyer", "jd:" + r[1]), ("phone", e164(r[8]))])
    for r in today.ownsite:
        email = r[1].strip().lower() or None
        device = r[3] if r[3] and r[3] != "00000000-0000-0000-0000-000000000000" else None
        add_ids([("email", email), ("phone", e164(r[2])), ("device", device), ("member", r[4]),
                 ("click", click_from(r[12]))])
    for store in today.pos:
        for r in today.pos[store]:
            add_ids([("member", r[4] if r[4] != "0" else None), ("phone", e164(r[5]))])
    for c in today.clicks:
        add_ids([("click", c["click_id"]), ("device", c["device_id"]),
                 ("openid", (c["app_id"] + ":" + c["openid"]) if c["app_id"] and c["openid"] else None)])


def expected_identity():
    neighbours = defaultdict(lambda: defaultdict(set))
    for ids in ID_RECORDS:
        for x in ids:
            for y in ids:
                if x[0] != y[0] and y[0] not in EVENT_LEVEL:
                    neighbours[x][y[0]].add(y)
    ambiguous = {x for x, by_type in neighbours.items()
                 if max(len(v) for v in by_type.values()) > MAX_LINKS.get(x[0], 20)}
    parent = {}

    def find(a):
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for ids in ID_RECORDS:
        usable = [x for x in ids if x not in ambiguous]
        for x in usable:
            find(x)
        for x in usable[1:]:
            parent[find(x)] = find(usable[0])
    nodes = list(parent)
    return {"identifiers": len(nodes), "one_ids": len({find(x) for x in nodes}),
            "ambiguous_identifiers": len(ambiguous),
            "ambiguous": sorted("%s:%s" % x for x in ambiguous)}


def expected_journeys():
    """Touches and conversions the journeys job must find (README, "Journeys")."""
    landings = sum(1 for d in days for r in d.ownsite
                   if "utm_source=" in r[12] and click_from(r[12]) is None)
    return {
        "touchpoints": EXPECT.rows["ad_clicks"] + EXPECT.rows["wechat_events"] + EXPECT.rows["wecom_contacts"] + landings,
        "conversions": sum(len(v) for v in orders_by_day.values()) + len(pos_sales),
        "invalid_clicks": 60,
    }


def plant_bot():
    """One device clicks a Douyin ad 60 times within an hour: the invalid traffic the journeys job flags."""
    today = days[85]
    t0 = local_dt(today.d, 3 * 3600)
    for k in range(60):
        cid = "oe_%016x" % rng.getrandbits(64)
        today.clicks.append({"platform": "ocean_engine", "click_id": cid, "click_time_ms": (epoch(t0) + k * 55) * 1000,
                             "campaign_id": "oe_cmp_201", "adgroup_id": "oe_cmp_201_ag1",
                             "device_id": "bot-0000-feed-beef", "openid": "", "app_id": "",
                             "ip": "103.21.244.17", "landing_url": "https://shop.example.com/landing?clickid=" + cid})


def extra_day():
    """2026-11-01: one more simulated day, delivered on its own after the 120, for the night that
    follows the backfill (README, quick start). It carries a late refund of an October order. The
    random draws come after every draw of the 120 days, so their files are byte for byte as before,
    and expected_counts.json speaks of the 120 days only."""
    today = Day(day(DAYS))
    simulate_day(DAYS, today)
    october = [i for i in range(DAYS) if day(i) >= date(2026, 10, 15)]
    platform, oid, amount, currency = next(o for i in october for o in orders_by_day[i] if o[0] == "ownsite")
    t = local_dt(today.d, 11 * 3600)
    today.refunds.append([platform, next_id("RF"), oid, "%.2f" % round(amount / 2, 2), currency, t.isoformat(),
                          "SUCCESS", "迟到的退款"])
    CLAIMS.update(platform_claims({DAYS}))
    write_day(DAYS, today)


def main():
    for sub in ("wechat", "ecommerce", "pos", "ads"):
        shutil.rmtree(os.path.join(ROOT, sub), ignore_errors=True)
    simulate()
    returns_and_refunds()
    plant_bot()
    CLAIMS.update(platform_claims(set(range(DAYS))))
    for di, today in enumerate(days):
        write_day(di, today)
        collect_ids(today)
    # The two placeholder phone authorisations planted on day 30 are good rows with an openid.
    for openid in ("oMpXplaceholder01", "oMpXplaceholder02"):
        add_ids([("openid", MP_APP + ":" + openid)])
    out = {
        "first_day": FIRST_DAY.isoformat(), "last_day": day(DAYS - 1).isoformat(), "seed": SEED,
        "customers": CUSTOMERS,
        "silver_rows": dict(sorted(EXPECT.rows.items())),
        "lines_read": dict(sorted(EXPECT.read.items())),
        "duplicates": dict(sorted(EXPECT.duplicates.items())),
        "rejected": {t: dict(sorted(c.items())) for t, c in sorted(EXPECT.rejects.items())},
        "identity": expected_identity(),
        "journeys": expected_journeys(),
        "claims": expected_claims(),
    }
    with open(os.path.join(ROOT, "expected_counts.json"), "w") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
        f.write("\n")
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    print()
    extra_day()


if __name__ == "__main__":
    main()
