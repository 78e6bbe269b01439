"""Names for the synthetic demo registry: places, Kurdish district names and one naming pattern per facility type.

Every synthetic name ends with a marker — "(تجريبي)", "(synthetic)", "(دەستکرد)" — so nobody mistakes the demo
for real data. Neighbourhood and village names are common Iraqi ones, not real facilities.
"""

from __future__ import annotations

from dataclasses import dataclass

MARK_AR = " (تجريبي)"
MARK_EN = " (synthetic)"
MARK_CKB = " (دەستکرد)"


@dataclass(frozen=True)
class Place:
    ar: str
    en: str
    ckb: str = ""


def _places(rows: str) -> tuple[Place, ...]:
    return tuple(Place(*[part.strip() for part in line.split("|")]) for line in rows.strip().splitlines())


NEIGHBOURHOODS = _places("""
حي الجمهورية | Al-Jumhuriya
حي الحسين | Al-Hussein
حي الزهراء | Al-Zahraa
حي الشهداء | Al-Shuhada
حي العسكري | Al-Askari
حي النصر | Al-Nasr
حي السلام | Al-Salam
حي الرسالة | Al-Risala
حي العروبة | Al-Uruba
حي الأندلس | Al-Andalus
حي القادسية | Al-Qadisiya
حي المعلمين | Al-Muallimin
حي الضباط | Al-Dhubbat
حي الجزائر | Al-Jazair
حي الإسكان | Al-Iskan
حي الوحدة | Al-Wahda
حي العامل | Al-Amil
حي الجامعة | Al-Jamia
حي الرحمة | Al-Rahma
حي الأمير | Al-Amir
حي الكرامة | Al-Karama
حي الغدير | Al-Ghadir
حي المهندسين | Al-Muhandisin
حي الخليج | Al-Khalij
حي الزيتون | Al-Zaytoun
حي النهضة | Al-Nahdha
حي البساتين | Al-Basatin
حي الشرطة | Al-Shurta
حي التحرير | Al-Tahrir
حي الحرية | Al-Hurriya
حي الفرات | Al-Furat
حي الرافدين | Al-Rafidain
حي الأطباء | Al-Atibba
حي الصناعة | Al-Sinaa
حي العدل | Al-Adl
حي الوفاء | Al-Wafa
""")

VILLAGES = _places("""
قرية السدة | Al-Sudda
قرية الهويدر | Al-Huwaider
قرية البو حسين | Albu Hussein
قرية الجزيرة | Al-Jazira
قرية أم العظام | Umm Al-Idham
قرية الشيخ سعد | Al-Sheikh Saad
قرية الخضراء | Al-Khadhra
قرية الصفصاف | Al-Safsaf
قرية النخيلة | Al-Nukhaila
قرية الرملة | Al-Ramla
قرية العباسية | Al-Abbasiya
قرية تل الذهب | Tal Al-Dhahab
قرية الكصيبة | Al-Gusaiba
قرية المزرعة | Al-Mazraa
قرية الحصوة | Al-Haswa
قرية الجدول | Al-Jadwal
قرية عين الماء | Ain Al-Maa
قرية الفضلية | Al-Fadhiliya
قرية السيحة | Al-Saiha
قرية المشروع | Al-Mashrou
قرية الرشيدية | Al-Rashidiya
قرية البو فراج | Albu Faraj
قرية العطيشي | Al-Utaishi
قرية الطليعة | Al-Tali'a
""")

KURDISH_NEIGHBOURHOODS = _places("""
حي آزادي | Azadi | گەڕەکی ئازادی
حي شورش | Shorsh | گەڕەکی شۆڕش
حي رابرين | Raparin | گەڕەکی ڕاپەڕین
حي بختياري | Bakhtiari | گەڕەکی بەختیاری
حي آشتي | Ashti | گەڕەکی ئاشتی
حي كردستان | Kurdistan | گەڕەکی کوردستان
حي شهيدان | Shahidan | گەڕەکی شەهیدان
حي نوروز | Nawroz | گەڕەکی نەورۆز
حي سرجنار | Sarchinar | گەڕەکی سەرچنار
حي زانكو | Zanko | گەڕەکی زانکۆ
حي بهار | Bahar | گەڕەکی بەهار
حي كولان | Gulan | گەڕەکی گوڵان
حي هفالان | Havalan | گەڕەکی هەڤاڵان
حي سيتاقان | Setaqan | گەڕەکی سێتاقان
""")

KURDISH_VILLAGES = _places("""
قرية كاني سارد | Kani Sard | گوندی کانیسارد
قرية كاني ماسي | Kani Masi | گوندی کانیماسێ
قرية دارشمانة | Darashmana | گوندی دارەشمانە
قرية كردكوسك | Girdkosk | گوندی گردکۆسک
قرية سيوسنان | Siwsenan | گوندی سیوسێنان
قرية باليسان | Balisan | گوندی باڵیسان
قرية هرير | Harir | گوندی هەریر
قرية بنصلاوة | Bnaslawa | گوندی بنەسڵاوە
قرية كلكة سماق | Galka Smaq | گوندی گەڵکەسماق
""")

# Displacement camps of the Kurdistan Region, by directorate (PHC centres serve them).
CAMPS: dict[str, tuple[Place, ...]] = {
    "duhok": _places("""
مخيم دوميز | Domiz camp | کەمپی دۆمیز
مخيم خانكي | Khanke camp | کەمپی خانکێ
"""),
    "erbil": _places("""
مخيم كوركوسك | Kawergosk camp | کەمپی کەوەرگۆسک
مخيم دارشكران | Darashakran camp | کەمپی دارەشەکران
"""),
    "sulaymaniyah": _places("""
مخيم عربت | Arbat camp | کەمپی عەربەت
"""),
}

# Open data has no Kurdish names for districts; these are the usual Sorani spellings.
KURDISH_DISTRICT_NAMES = {
    "IQG06Q01": "سلێمانی",
    "IQG06Q02": "چەمچەماڵ",
    "IQG06Q03": "دەربەندیخان",
    "IQG06Q04": "دوکان",
    "IQG06Q05": "هەڵەبجە",
    "IQG06Q06": "کەلار",
    "IQG06Q07": "پێنجوێن",
    "IQG06Q08": "پشدەر",
    "IQG06Q09": "ڕانیە",
    "IQG06Q10": "شارباژێڕ",
    "IQG09Q01": "ئامێدی",
    "IQG09Q02": "دهۆک",
    "IQG09Q03": "سێمێل",
    "IQG09Q04": "زاخۆ",
    "IQG11Q01": "زێبار",
    "IQG11Q02": "هەولێر",
    "IQG11Q03": "کۆیە",
    "IQG11Q04": "مەخموور",
    "IQG11Q05": "ڕەواندز",
    "IQG11Q06": "شەقڵاوە",
}

ORDINALS = (("الأول", "First", "یەکەم"), ("الثاني", "Second", "دووەم"), ("الثالث", "Third", "سێیەم"))

# Per type: (Arabic, English) patterns; {p} is the place (neighbourhood, village, camp), {d} the district.
PATTERNS: dict[str, tuple[tuple[str, str], ...]] = {
    "phc-main": (("مركز الرعاية الصحية الأولية في {p}", "{p} PHC Centre"),),
    "phc-branch": (("المركز الصحي الفرعي في {p}", "{p} PHC Branch Centre"),),
    "phc-family-medicine": (("مركز طب الأسرة في {p}", "{p} Family Medicine Centre"),),
    "phc-main-specialized": (("المركز الصحي التخصصي في {p}", "{p} Specialized PHC Centre"),),
    "public-health-clinic": (("عيادة الصحة العامة في {p}", "{p} Public Health Clinic"),),
    "health-house": (("البيت الصحي في {p}", "{p} Health House"),),
    "mobile-team": (("الفريق الصحي الجوال في {d}", "{d} Mobile Health Team"),),
    "mobile-clinic": (("العيادة المتنقلة في {d}", "{d} Mobile Clinic"),),
    "first-aid-centre": (("مركز الإسعاف الفوري في {p}", "{p} Immediate First Aid Centre"),),
    "hospital": (
        ("مستشفى {d} العام", "{d} General Hospital"),
        ("مستشفى {d} للنسائية والأطفال", "{d} Maternity and Children Hospital"),
        ("مستشفى {d} التعليمي", "{d} Teaching Hospital"),
        ("مستشفى الطوارئ في {d}", "{d} Emergency Hospital"),
    ),
    "specialized-centre": (
        ("مركز طب الأسنان التخصصي في {d}", "{d} Specialized Dental Centre"),
        ("مركز السكري والغدد الصماء في {d}", "{d} Diabetes and Endocrinology Centre"),
        ("مركز أمراض الدم الوراثية في {d}", "{d} Hereditary Blood Diseases Centre"),
        ("مركز غسل الكلى في {d}", "{d} Dialysis Centre"),
    ),
    "chest-respiratory-unit": (("وحدة الأمراض الصدرية والتنفسية في {d}", "{d} Chest and Respiratory Diseases Unit"),),
    "blood-bank-main": (("مصرف الدم الرئيسي في {d}", "{d} Main Blood Bank"),),
    "blood-bank-branch": (("فرع مصرف الدم في {p}", "{p} Blood Bank Branch"),),
    "central-public-health-lab": (("مختبر الصحة العامة في {d}", "{d} Public Health Laboratory"),),
    "forensic-medicine-centre": (("مركز الطب العدلي في {d}", "{d} Forensic Medicine Centre"),),
    "health-sector": (("مقر القطاع الصحي في {p}", "{p} Health Sector Office"),),
    "disease-prevention-sector": (("قطاع الوقاية من الأمراض في {d}", "{d} Disease Prevention Sector"),),
    "other": (
        ("وحدة صحة المدارس في {d}", "{d} School Health Unit"),
        ("مركز التأهيل الطبي في {d}", "{d} Medical Rehabilitation Centre"),
        ("وحدة الرقابة الصحية في {p}", "{p} Health Inspection Unit"),
    ),
}

MEDICAL_CITY_SPECIALTIES = _places("""
الجراحة | Surgery
الباطنية | Internal Medicine
الأطفال | Paediatrics
النسائية والتوليد | Obstetrics and Gynaecology
الأورام | Oncology
أمراض القلب | Cardiology
العيون | Ophthalmology
الأعصاب | Neurosciences
""")
MEDICAL_CITY_PATTERN = ("مستشفى {p} التعليمي - مدينة الطب", "Medical City {p} Teaching Hospital")
PEOPLES_CLINIC_PATTERN = ("العيادة الطبية الشعبية في {p}", "{p} People's Medical Clinic")

_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def arabic_digits(number: int) -> str:
    return str(number).translate(_ARABIC_DIGITS)


def facility_names(
    pattern: tuple[str, str], place: Place, district: Place, number: int, type_ckb: str
) -> tuple[str, str, str]:
    """Arabic, English and (where the place has a Kurdish name) Kurdish names, numbered.

    Numbers count the facilities named after one place in a directorate, so two of them never look like one
    facility entered twice."""
    name_ar = pattern[0].format(p=place.ar, d=district.ar)
    name_en = pattern[1].format(p=place.en, d=district.en)
    kurdish_place = place.ckb if "{p}" in pattern[0] else district.ckb
    name_ckb = f"{type_ckb} - {kurdish_place}" if kurdish_place and type_ckb else ""
    name_ar, name_en = f"{name_ar} {arabic_digits(number)}", f"{name_en} {number}"
    name_ckb = f"{name_ckb} {arabic_digits(number)}" if name_ckb else ""
    return name_ar + MARK_AR, name_en + MARK_EN, (name_ckb + MARK_CKB) if name_ckb else ""
