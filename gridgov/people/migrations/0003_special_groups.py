from django.db import migrations

GROUPS = [
    ("veteran", "退役军人", "veteran"),
    ("new_employment", "新就业群体", "new-employment worker"),
    ("elderly_alone", "独居老人", "elderly living alone"),
    ("disabled", "残疾人", "person with disability"),
    ("low_income", "低保对象", "low-income household member"),
    ("left_behind_child", "留守儿童", "left-behind child"),
    ("accompanying_mother", "陪读妈妈", "accompanying mother"),
]


def seed(apps, schema_editor):
    SpecialGroup = apps.get_model("people", "SpecialGroup")
    for code, name, name_en in GROUPS:
        SpecialGroup.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("people", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
