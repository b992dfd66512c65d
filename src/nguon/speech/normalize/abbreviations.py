"""Administrative abbreviations, letter names and the expander that applies them.

Keys written in capitals (``UBND``, ``TP.``) match only in capitals; any other key (``Tp.``, ``v.v.``,
``Đ/c``) also matches in lowercase, capitalised and in capitals. A capital code not in the table is spelled letter by letter
("XYZ" → "ích-xì i dài dét") unless it is an ordinary Vietnamese syllable written in capitals ("TIN").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from .numbers import NORTHERN, ReadingStyle, read_integer
from .patterns import cased, literal_words

DEFAULT_ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {
        # Authorities and organisations
        "UBND": "ủy ban nhân dân",
        "HĐND": "hội đồng nhân dân",
        "MTTQ": "mặt trận tổ quốc",
        "MTTQVN": "mặt trận tổ quốc Việt Nam",
        "UBMTTQ": "ủy ban mặt trận tổ quốc",
        "UBMTTQVN": "ủy ban mặt trận tổ quốc Việt Nam",
        "UB": "ủy ban",
        "UBKT": "ủy ban kiểm tra",
        "BTV": "ban thường vụ",
        "BCĐ": "ban chỉ đạo",
        "BCHQS": "ban chỉ huy quân sự",
        "ĐBQH": "đại biểu quốc hội",
        "QH": "quốc hội",
        "CP": "chính phủ",
        "TTg": "thủ tướng",
        "TW": "trung ương",
        "TƯ": "trung ương",
        "VN": "Việt Nam",
        "CHXHCN": "cộng hòa xã hội chủ nghĩa",
        "CHXHCNVN": "cộng hòa xã hội chủ nghĩa Việt Nam",
        "ĐCSVN": "Đảng cộng sản Việt Nam",
        "ĐCS": "Đảng cộng sản",
        "CA": "công an",
        "CAND": "công an nhân dân",
        "QĐND": "quân đội nhân dân",
        "BĐBP": "bộ đội biên phòng",
        "TAND": "tòa án nhân dân",
        "VKSND": "viện kiểm sát nhân dân",
        "THADS": "thi hành án dân sự",
        "KBNN": "kho bạc nhà nước",
        "VP": "văn phòng",
        "VPCP": "văn phòng chính phủ",
        "HTX": "hợp tác xã",
        "TNHH": "trách nhiệm hữu hạn",
        "CTCP": "công ty cổ phần",
        "DN": "doanh nghiệp",
        "LHPN": "liên hiệp phụ nữ",
        "HLHPN": "hội liên hiệp phụ nữ",
        "ĐTN": "đoàn thanh niên",
        "TNCS": "thanh niên cộng sản",
        "HCCB": "hội cựu chiến binh",
        "CCB": "cựu chiến binh",
        "HND": "hội nông dân",
        "CLB": "câu lạc bộ",
        # Ministries, departments and fields
        "BTTTT": "bộ thông tin và truyền thông",
        "TTTT": "thông tin và truyền thông",
        "TT&TT": "thông tin và truyền thông",
        "BTC": "bộ tài chính",
        "BYT": "bộ y tế",
        "BCA": "bộ công an",
        "BQP": "bộ quốc phòng",
        "BNV": "bộ nội vụ",
        "BGDĐT": "bộ giáo dục và đào tạo",
        "VHTTDL": "văn hóa, thể thao và du lịch",
        "VHTT&DL": "văn hóa, thể thao và du lịch",
        "VHTT": "văn hóa thông tin",
        "KH&CN": "khoa học và công nghệ",
        "KHCN": "khoa học công nghệ",
        "KH&ĐT": "kế hoạch và đầu tư",
        "GD&ĐT": "giáo dục và đào tạo",
        "GDĐT": "giáo dục đào tạo",
        "NN&PTNT": "nông nghiệp và phát triển nông thôn",
        "PTNT": "phát triển nông thôn",
        "TN&MT": "tài nguyên và môi trường",
        "TNMT": "tài nguyên môi trường",
        "LĐTBXH": "lao động - thương binh và xã hội",
        "LĐ-TB&XH": "lao động - thương binh và xã hội",
        "GTVT": "giao thông vận tải",
        "CNTT": "công nghệ thông tin",
        "CNTT-VT": "công nghệ thông tin - viễn thông",
        "KT-XH": "kinh tế - xã hội",
        "KTXH": "kinh tế xã hội",
        # Documents
        "QĐ": "quyết định",
        "NĐ": "nghị định",
        "NĐ-CP": "nghị định chính phủ",
        "NQ": "nghị quyết",
        "TT": "thông tư",
        "CT": "chỉ thị",
        "CV": "công văn",
        "KH": "kế hoạch",
        "BC": "báo cáo",
        "TB": "thông báo",
        # Places
        "TP": "thành phố",
        "TP.": "thành phố",
        "Tp.": "thành phố",
        "TPHCM": "thành phố Hồ Chí Minh",
        "HCM": "Hồ Chí Minh",
        "TX": "thị xã",
        "TX.": "thị xã",
        "TT.": "thị trấn",
        "KCN": "khu công nghiệp",
        "CCN": "cụm công nghiệp",
        "QL": "quốc lộ",
        "NTM": "nông thôn mới",
        # Safety, health, social insurance
        "PCCC": "phòng cháy chữa cháy",
        "CNCH": "cứu nạn cứu hộ",
        "PCCC&CNCH": "phòng cháy chữa cháy và cứu nạn cứu hộ",
        "PCTT": "phòng chống thiên tai",
        "TKCN": "tìm kiếm cứu nạn",
        "PCTT&TKCN": "phòng chống thiên tai và tìm kiếm cứu nạn",
        "CSGT": "cảnh sát giao thông",
        "ATGT": "an toàn giao thông",
        "TTATGT": "trật tự an toàn giao thông",
        "ANTT": "an ninh trật tự",
        "ATTP": "an toàn thực phẩm",
        "VSATTP": "vệ sinh an toàn thực phẩm",
        "ATLĐ": "an toàn lao động",
        "VSMT": "vệ sinh môi trường",
        "BHYT": "bảo hiểm y tế",
        "BHXH": "bảo hiểm xã hội",
        "BHTN": "bảo hiểm thất nghiệp",
        "TTYT": "trung tâm y tế",
        "TYT": "trạm y tế",
        "BV": "bệnh viện",
        "BVĐK": "bệnh viện đa khoa",
        "COVID": "cô-vít",
        "COVID-19": "cô-vít mười chín",
        "Covid-19": "cô-vít mười chín",
        "Covid": "cô-vít",
        # Schools, administration, economy
        "THCS": "trung học cơ sở",
        "THPT": "trung học phổ thông",
        "TH": "tiểu học",
        "MN": "mầm non",
        "TTHC": "thủ tục hành chính",
        "CCHC": "cải cách hành chính",
        "DVC": "dịch vụ công",
        "CĐS": "chuyển đổi số",
        "CCCD": "căn cước công dân",
        "CMND": "chứng minh nhân dân",
        "GPLX": "giấy phép lái xe",
        "SĐT": "số điện thoại",
        "ĐT": "điện thoại",
        "NSNN": "ngân sách nhà nước",
        "TNCN": "thu nhập cá nhân",
        "TNDN": "thu nhập doanh nghiệp",
        "GTGT": "giá trị gia tăng",
        "ĐH": "đại học",
        "Km": "ki-lô-mét",
        "GPMB": "giải phóng mặt bằng",
        "SXKD": "sản xuất kinh doanh",
        "OCOP": "ô-cốp",
        "ASEAN": "a-xê-an",
        "UNICEF": "u-ni-xép",
        "USD": "đô la Mỹ",
        "VNĐ": "đồng",
        "VND": "đồng",
        # Titles and common written shortcuts
        "Đ/c": "đồng chí",
        "PGS.TS.": "phó giáo sư, tiến sĩ",
        "GS.TS.": "giáo sư, tiến sĩ",
        "PGS.": "phó giáo sư",
        "GS.": "giáo sư",
        "TS.": "tiến sĩ",
        "ThS.": "thạc sĩ",
        "ThS": "thạc sĩ",
        "BS.": "bác sĩ",
        "KS.": "kỹ sư",
        "TTr": "tờ trình",
        "STC": "sở tài chính",
        "KT.": "ký thay",
        "TM.": "thay mặt",
        "TL.": "thừa lệnh",
        "TUQ.": "thừa ủy quyền",
        "VT": "văn thư",
        "v.v.": "vân vân",
        "v.v": "vân vân",
    }
)

LETTER_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê", "H": "hát",
        "I": "i", "J": "giây", "K": "ca", "L": "e-lờ", "M": "em-mờ", "N": "en-nờ", "O": "o", "P": "pê",
        "Q": "quy", "R": "e-rờ", "S": "ét-sì", "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích-xì",
        "Y": "i dài", "Z": "dét",
    }
)  # fmt: skip

UPPER = "A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ"
# A code written in capitals: "UBND", "NĐ-CP", "KH&CN", "QH15", "COVID-19", "H5N1".
_CODE_REST = rf"[{UPPER}\d&]*+(?:-[{UPPER}\d][{UPPER}\d&]*+)*+"
CODE_PATTERN = rf"[{UPPER}]{_CODE_REST}"
_CODE_TOKEN = re.compile(rf"[{UPPER}](?<![\w&-].){_CODE_REST}(?![\w])")
_CODE_FULL = re.compile(CODE_PATTERN)
_SPELLABLE = re.compile(r"[A-ZĐ]+")

_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?"
    r"(?:uye|uya|uyu|uoi|uou|oai|oay|oeo|uay|ieu|yeu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye"
    r"|[aeiouy])"
    r"(?:ch|ng|nh|[cmnpt])?"
)
# Before these words "TT" is "trung tâm" ("TT Y tế huyện"); before another capitalised name it is "thị trấn".
_TT_CENTRE = re.compile(
    r"\s+(?:Y tế|Văn hóa|Dịch vụ|Kiểm soát|Hành chính|Truyền thông|Đào tạo|Giáo dục|Thương mại|Khuyến nông"
    r"|Phát triển|Nghiên cứu|Quan trắc|Huấn luyện|Chính trị|Giám định|Lưu trữ)\b",
    re.IGNORECASE,
)
_LINE_END = re.compile(r"\s*$")
_TT_TOWN = re.compile(rf"\s+[{UPPER}][a-zà-ỹđ]")


def is_plain_syllable(text: str) -> bool:
    """Is ``text`` (letters without tone marks) a pronounceable Vietnamese syllable, like "TIN" or "nguyen"?"""
    return bool(_SYLLABLE.fullmatch(text.lower().replace("đ", "d")))


def spell(letters: str) -> str:
    """Spell capital letters the Vietnamese way: "KCN" → "ca xê en-nờ"."""
    return " ".join(LETTER_NAMES.get(char.upper(), char) for char in letters)


class AbbreviationExpander:
    """Expands abbreviations and capital codes in running text with one merged table."""

    def __init__(self, table: Mapping[str, str], style: ReadingStyle = NORTHERN) -> None:
        self.table = dict(table)
        self._expanded: dict[str, str] = {}
        self.style = style
        self.folded = {key.casefold(): value for key, value in table.items() if key != key.upper()}
        self.contextual_tt = self.table.get("TT") == DEFAULT_ABBREVIATIONS["TT"]
        literal = [key for key in table if key and not _CODE_FULL.fullmatch(key)]
        # Keys not written in capitals match in any usual casing ("Tp.", "tp.", "TP.").
        variants = [variant for key in literal for variant in ([key] if key == key.upper() else cased([key]))]
        self.literal = whole_token_pattern(variants) if variants else None

    def expand_code(self, code: str) -> str:
        """Words for a capital code: "NĐ-CP" → "nghị định chính phủ", "UBND-VHTT", "QH15", "XYZ"."""
        words = self._expanded.get(code)
        if words is None:
            words = self._expand(code)
            if len(self._expanded) < 4096 and len(code) <= 32:
                self._expanded[code] = words
        return words

    def _expand(self, code: str) -> str:
        if code in self.table:
            return self.table[code]
        pieces = code.split("-")
        words: list[str] = []
        start = 0
        while start < len(pieces):
            for end in range(len(pieces), start, -1):
                key = "-".join(pieces[start:end])
                if end - start > 1 and key in self.table:
                    words.append(self.table[key])
                    start = end
                    break
            else:
                words.append(self._piece(pieces[start]))
                start += 1
        return " ".join(word for word in words if word)

    def _piece(self, piece: str) -> str:
        if piece in self.table:
            return self.table[piece]
        if "&" in piece:
            return " và ".join(self._piece(part) for part in piece.split("&") if part)
        if is_plain_syllable(piece):
            return piece  # a word in capitals ("TIN", "Y tế", "Nguyễn Văn A"), not an abbreviation
        words = []
        for run in re.findall(r"\d+|\D+", piece):
            if run.isdigit():
                words.append(read_integer(run, self.style))
            elif run in self.table:
                words.append(self.table[run])
            elif len(run) == 1 and run in LETTER_NAMES:
                words.append(LETTER_NAMES[run])
            elif _SPELLABLE.fullmatch(run) and len(run) <= 8 and not is_plain_syllable(run):
                words.append(spell(run))
            else:
                words.append(run)
        return " ".join(words)

    def _literal(self, match: re.Match[str]) -> str:
        key = match.group(0)
        value = self.table.get(key)
        if value is None:
            value = self.folded.get(key.casefold())
        if value is None:
            return key
        # "TP." that ends the line also ends the sentence.
        if key.endswith(".") and _LINE_END.match(match.string, match.end()):
            return f" {value}. "
        return f" {value} "

    def _code(self, match: re.Match[str]) -> str:
        code = match.group(0)
        if code == "TT" and self.contextual_tt:
            if _TT_CENTRE.match(match.string, match.end()):
                return " trung tâm "
            if _TT_TOWN.match(match.string, match.end()):
                return " thị trấn "
        return f" {self.expand_code(code)} "

    def apply(self, text: str) -> str:
        if self.literal is not None:
            text = self.literal.sub(self._literal, text)
        return _CODE_TOKEN.sub(self._code, text)


def whole_token_pattern(keys: list[str], flags: int = 0) -> re.Pattern[str]:
    """One pattern matching any of ``keys`` as a whole token (longest first)."""
    parts = []
    for key in sorted(set(keys), key=len, reverse=True):
        after = r"(?![\w])" if re.search(r"\w$", key) else ""
        parts.append(literal_words([key]) + after)
    return re.compile("|".join(parts), flags)
