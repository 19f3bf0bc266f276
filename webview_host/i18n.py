"""Turkish and English strings, and money formatted per locale (Babel).

Templates call `t("key")`; a missing key is a bug, so `tests/test_i18n.py`
checks that both languages have the same keys and that every key is used.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal

from babel.numbers import format_currency

from .types import Locale

BABEL_LOCALES: dict[Locale, str] = {"tr": "tr_TR", "en": "en_GB"}

STRINGS: dict[Locale, dict[str, str]] = {
    "tr": {
        "app.title": "Altın ve gümüş",
        "shell.loading": "Mağaza yükleniyor…",
        "shell.basket": "Sepet",
        "shell.items": "ürün",
        "shell.refresh": "Yenile",
        "shell.review": "Sepeti incele",
        "shell.pricefix": "Fiyat sabit",
        "shell.pricefix_lapsed": "Fiyatlar güncelleniyor",
        "shell.frame_title": "Minted mağazası",
        "shell.basket_error": "Sepet şu an okunamıyor.",
        "shell.start_over": "Baştan başla",
        "start_over.title": "Baştan başlansın mı?",
        "start_over.question": "Sepetinizdeki tüm ürünler çıkarılacak. Bu geri alınamaz.",
        "start_over.confirm": "Evet, sepeti boşalt",
        "start_over.cancel": "Vazgeç",
        "start_over.empty": "Sepetiniz zaten boş.",
        "error.frame_timeout": "Mağaza yüklenemedi. Bağlantınızı kontrol edip tekrar deneyin.",
        "error.retry": "Tekrar dene",
        "review.title": "Siparişi onayla",
        "review.product": "Ürün",
        "review.quantity": "Adet",
        "review.unit_price": "Birim fiyat",
        "review.line_total": "Tutar",
        "review.included": "Toplama dahil",
        "review.total": "Ödenecek toplam",
        "review.confirm": "Onayla ve satın al",
        "review.back": "Mağazaya dön",
        "review.empty": "Sepetiniz boş. Mağazadan ürün ekleyin.",
        "review.lapsed": "Fiyat süresi doldu. Yeni fiyatlar geliyor; sayfa kendini yenileyecek.",
        "review.countdown": "Fiyat sabit kalma süresi",
        "review.recent_order": "Siparişiniz alındı:",
        "fee.delivery_price": "Kargo",
        "fee.insurance_price": "Sigorta",
        "fee.market_commission": "Market komisyonu",
        "fee.minted_markup_price": "Minted payı",
        "fee.silver_craftsmanship": "İşçilik",
        "fee.payment_cost": "Ödeme maliyeti",
        "notice.price_lapsed": "Fiyatlar güncellendi. Lütfen yeni toplamı kontrol edip tekrar onaylayın.",
        "notice.changed": "Sepetiniz değişti. Lütfen yeni içeriği kontrol edin.",
        "notice.empty": "Sepetiniz boş.",
        "notice.retry": "Siparişiniz tamamlanamadı. Lütfen toplamı kontrol edip tekrar deneyin.",
        "order.title": "Sipariş durumu",
        "order.completed": "Siparişiniz alındı",
        "order.pending": "Siparişiniz işleniyor…",
        "order.unknown": "Siparişinizin tamamlanıp tamamlanmadığını Minted ile kontrol ediyoruz. İki kez ödeme alınmaz; bu sayfa kendiliğinden güncellenir.",
        "order.failed": "Sipariş tamamlanamadı",
        "order.code": "Sipariş kodu",
        "order.total": "Toplam",
        "order.next": "Ürünleriniz hazırlanıp kargoya verildiğinde bilgilendirileceksiniz.",
        "order.back_to_app": "Uygulamaya dön",
        "order.back_to_shop": "Mağazaya dön",
        "order.try_again": "Sepete dön ve tekrar dene",
        "order.support": "Destek kodu",
        "reason.price_lapsed": "Fiyat sabitleme süresi doldu ve fiyatlar güncellendi.",
        "reason.rejected": "Minted siparişi kabul etmedi.",
        "reason.unavailable": "Minted'e şu an ulaşılamıyor.",
        "reason.upstream_refused": "Hizmet şu an kullanılamıyor.",
        "error.title": "Bir sorun oluştu",
        "error.no_session": "Oturumunuz sona erdi. Lütfen uygulamaya dönüp mağazayı yeniden açın.",
        "error.launch_expired": "Bu bağlantının süresi doldu veya daha önce kullanıldı. Lütfen uygulamaya dönüp tekrar deneyin.",
        "error.launch_unknown": "Bu bağlantı geçerli değil. Lütfen uygulamaya dönüp tekrar deneyin.",
        "error.upstream": "Minted'e şu an ulaşılamıyor. Lütfen biraz sonra tekrar deneyin.",
        "error.upstream_refused": "Minted bu isteği kabul etmedi. Lütfen daha sonra tekrar deneyin; sorun sürerse destek koduyla bize ulaşın.",
        "error.not_found": "Aradığınız sayfa bulunamadı.",
        "error.forbidden": "Bu isteği doğrulayamadık. Lütfen sayfayı yenileyip tekrar deneyin.",
        "error.server": "Beklenmeyen bir hata oluştu. Lütfen tekrar deneyin.",
        "error.too_many": "Çok fazla istek gönderildi. Lütfen biraz bekleyip tekrar deneyin.",
        "launch.opening": "Mağaza açılıyor…",
        "launch.continue": "Mağazaya devam et",
        "launch.switch_title": "Başka bir müşterinin oturumu açık",
        "launch.switch_body": "Bu cihazda başka bir müşterinin mağaza oturumu açık. Bu bağlantıyı siz istemediyseniz devam etmeyin.",
        "launch.switch_confirm": "Yeni oturumla devam et",
        "launch.switch_keep": "Açık oturumda kal",
        "index.body": "Bu mağaza, ortak uygulamanızın içinden açılır.",
        "common.close": "Kapat",
        "order.returning": "Uygulamaya dönülüyor…",
    },
    "en": {
        "app.title": "Gold and silver",
        "shell.loading": "Loading the shop…",
        "shell.basket": "Basket",
        "shell.items": "items",
        "shell.refresh": "Refresh",
        "shell.review": "Review basket",
        "shell.pricefix": "Price fixed",
        "shell.pricefix_lapsed": "Prices are being updated",
        "shell.frame_title": "Minted shop",
        "shell.basket_error": "The basket cannot be read right now.",
        "shell.start_over": "Start over",
        "start_over.title": "Start over?",
        "start_over.question": "Every item will be removed from your basket. This cannot be undone.",
        "start_over.confirm": "Yes, empty the basket",
        "start_over.cancel": "Cancel",
        "start_over.empty": "Your basket is already empty.",
        "error.frame_timeout": "The shop did not load. Check your connection and try again.",
        "error.retry": "Try again",
        "review.title": "Confirm your order",
        "review.product": "Product",
        "review.quantity": "Qty",
        "review.unit_price": "Unit price",
        "review.line_total": "Amount",
        "review.included": "Included in the total",
        "review.total": "Total to pay",
        "review.confirm": "Confirm and buy",
        "review.back": "Back to the shop",
        "review.empty": "Your basket is empty. Add products in the shop.",
        "review.lapsed": "The price fix has lapsed. New prices are coming; this page will refresh itself.",
        "review.countdown": "Price fixed for",
        "review.recent_order": "Your order is placed:",
        "fee.delivery_price": "Delivery",
        "fee.insurance_price": "Insurance",
        "fee.market_commission": "Market commission",
        "fee.minted_markup_price": "Minted markup",
        "fee.silver_craftsmanship": "Craftsmanship",
        "fee.payment_cost": "Payment cost",
        "notice.price_lapsed": "Prices were updated. Please review the new total and confirm again.",
        "notice.changed": "Your basket changed. Please review it again.",
        "notice.empty": "Your basket is empty.",
        "notice.retry": "Your order could not be completed. Please check the total and try again.",
        "order.title": "Order status",
        "order.completed": "Your order is placed",
        "order.pending": "Placing your order…",
        "order.unknown": "We are checking with Minted whether your order went through. You will not be charged twice; this page updates by itself.",
        "order.failed": "The order could not be completed",
        "order.code": "Order code",
        "order.total": "Total",
        "order.next": "We will let you know when your items are prepared and shipped.",
        "order.back_to_app": "Back to the app",
        "order.back_to_shop": "Back to the shop",
        "order.try_again": "Back to the basket to try again",
        "order.support": "Support code",
        "reason.price_lapsed": "The price fix lapsed and prices were updated.",
        "reason.rejected": "Minted did not accept the order.",
        "reason.unavailable": "Minted cannot be reached right now.",
        "reason.upstream_refused": "The service is unavailable right now.",
        "error.title": "Something went wrong",
        "error.no_session": "Your session has ended. Please go back to the app and open the shop again.",
        "error.launch_expired": "This link has expired or was already used. Please go back to the app and try again.",
        "error.launch_unknown": "This link is not valid. Please go back to the app and try again.",
        "error.upstream": "Minted cannot be reached right now. Please try again in a moment.",
        "error.upstream_refused": "Minted did not accept this request. Please try again later; if it persists, contact support with the code below.",
        "error.not_found": "The page you are looking for does not exist.",
        "error.forbidden": "We could not verify this request. Please reload the page and try again.",
        "error.server": "Something unexpected went wrong. Please try again.",
        "error.too_many": "Too many requests. Please wait a moment and try again.",
        "launch.opening": "Opening the shop…",
        "launch.continue": "Continue to the shop",
        "launch.switch_title": "Another customer's session is open",
        "launch.switch_body": "Another customer's shop session is open on this device. If you did not ask for this link, do not continue.",
        "launch.switch_confirm": "Continue with the new session",
        "launch.switch_keep": "Stay in the open session",
        "index.body": "This shop opens from inside your partner app.",
        "common.close": "Close",
        "order.returning": "Returning to the app…",
    },
}


def translator(locale: Locale) -> Callable[[str], str]:
    return STRINGS[locale].__getitem__


def format_money(amount: Decimal | None, currency: str | None, locale: Locale) -> str:
    if amount is None:
        return "–"
    return _money(amount, currency or "TRY", locale)


@functools.lru_cache(maxsize=4096)
def _money(amount: Decimal, currency: str, locale: Locale) -> str:
    # The shell asks for the same totals again and again (every basket refresh), and
    # Babel's formatting is the costliest step of /api/basket: remember recent results.
    return format_currency(amount, currency, locale=BABEL_LOCALES[locale])


def format_weight(grams: Decimal | None, locale: Locale) -> str:
    if grams is None:
        return ""
    text = f"{grams.normalize():f}"
    return (text.replace(".", ",") if locale == "tr" else text) + " g"
