"""Synthetic names: plausible Han and Tibetan personal names, deterministic per seed."""

import random

HAN_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
HAN_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏辉建华红梅海燕志强晓东春梅文博"
    "欣怡子轩浩然雨涵宇航思远佳琪俊杰梓涵一鸣"
)
TIBETAN_PARTS = (
    "扎西",
    "次仁",
    "格桑",
    "卓玛",
    "尼玛",
    "达瓦",
    "央金",
    "拉姆",
    "平措",
    "旺堆",
    "洛桑",
    "曲珍",
    "德吉",
    "索朗",
    "边巴",
    "普布",
    "米玛",
    "白玛",
    "多吉",
    "顿珠",
    "仁增",
    "巴桑",
    "央宗",
    "次旦",
    "旦增",
    "罗布",
    "强巴",
    "贡布",
    "益西",
    "桑珠",
    "群培",
    "普赤",
    "央拉",
    "琼达",
    "加措",
    "措姆",
)
MONPA_LHOBA_PARTS = ("达娃", "亚依", "达果", "达久", "亚崩", "嘎玛", "格桑")


def han_name(rng: random.Random) -> str:
    surname = rng.choice(HAN_SURNAMES)
    given_len = 1 if rng.random() < 0.35 else 2
    return surname + "".join(rng.choice(HAN_GIVEN) for _ in range(given_len))


def tibetan_name(rng: random.Random) -> str:
    first = rng.choice(TIBETAN_PARTS)
    if rng.random() < 0.3:
        return first
    second = rng.choice(TIBETAN_PARTS)
    while second == first:
        second = rng.choice(TIBETAN_PARTS)
    return first + second


def person(rng: random.Random) -> tuple[str, str]:
    """(name, ethnicity)."""
    x = rng.random()
    if x < 0.55:
        return tibetan_name(rng), "藏族"
    if x < 0.95:
        return han_name(rng), "汉族"
    if x < 0.975:
        return rng.choice(MONPA_LHOBA_PARTS) + rng.choice(TIBETAN_PARTS), "门巴族"
    if x < 0.99:
        return rng.choice(MONPA_LHOBA_PARTS) + rng.choice(TIBETAN_PARTS), "珞巴族"
    return han_name(rng), "回族"
