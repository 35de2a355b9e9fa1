"""The roster workbooks' columns and closed vocabularies (CONTRACT.md, "Roster workbooks")."""

from django.conf import settings
from django.utils import translation

from cases.models import EducationStage, PovertyStatus, Relation

from ..disability import Category, Generation, Grade

# Persons roster: header names are the contract; order in the file is free.
P_NAME = "姓名"
P_ID = "身份证号"
P_ETHNICITY = "民族"
P_PHONE = "联系电话"
P_TOWNSHIP = "乡镇(街道)"
P_VILLAGE = "村(社区)"
P_HOUSEHOLD = "户籍编号"
P_RELATION = "与户主关系"
P_CERT_NUMBER = "残疾人证号"
P_CATEGORY = "残疾类别"
P_GRADE = "残疾等级"
P_GENERATION = "证件代别"
P_ISSUE = "发证日期"
P_EXPIRY = "有效期至"
P_POVERTY = "低保状态"
P_POVERTY_START = "低保起始日期"
P_EDUCATION = "在校学段"
P_SSC = "社保卡号"
P_BANK = "开户银行"

PERSON_COLUMNS = [
    P_NAME,
    P_ID,
    P_ETHNICITY,
    P_PHONE,
    P_TOWNSHIP,
    P_VILLAGE,
    P_HOUSEHOLD,
    P_RELATION,
    P_CERT_NUMBER,
    P_CATEGORY,
    P_GRADE,
    P_GENERATION,
    P_ISSUE,
    P_EXPIRY,
    P_POVERTY,
    P_POVERTY_START,
    P_EDUCATION,
    P_SSC,
    P_BANK,
]
PERSON_REQUIRED = [P_NAME, P_ID, P_TOWNSHIP, P_VILLAGE]
# Columns kept as text in templates and the annotated copy: Excel would turn them into floats.
PERSON_TEXT_COLUMNS = {P_ID, P_PHONE, P_HOUSEHOLD, P_CERT_NUMBER, P_SSC}
PERSON_DATE_COLUMNS = {P_ISSUE, P_EXPIRY, P_POVERTY_START}

# Enrollments roster.
E_ID = "身份证号"
E_PROGRAM = "项目"
E_START = "起始年月"
E_PAID = "已发放至"
E_NOTE = "备注"
ENROLLMENT_COLUMNS = [E_ID, E_PROGRAM, E_START, E_PAID, E_NOTE]
ENROLLMENT_REQUIRED = [E_ID, E_PROGRAM, E_START]
ENROLLMENT_TEXT_COLUMNS = {E_ID, E_START, E_PAID}

PROGRAM_LABELS = {"生活补贴": "living", "护理补贴": "nursing", "扶残助学金": "education", "一户多残补助": "multi"}


def _labels(choices) -> dict[str, object]:
    return {str(choice.label): choice.value for choice in choices}


def vocabularies() -> dict[str, dict[str, object]]:
    """Cell text -> stored value for every closed vocabulary column (labels are the Chinese msgids)."""
    # The file format is Chinese whatever the user's language.
    with translation.override("zh-hans"):
        return {
            P_CATEGORY: _labels(Category),
            P_GRADE: _labels(Grade),
            P_GENERATION: _labels(Generation),
            P_POVERTY: _labels(PovertyStatus),
            P_EDUCATION: _labels(EducationStage),
            P_RELATION: _labels(Relation),
        }


def max_rows() -> int:
    return settings.ROSTER_MAX_ROWS


def max_bytes() -> int:
    return settings.ROSTER_MAX_UPLOAD_BYTES
