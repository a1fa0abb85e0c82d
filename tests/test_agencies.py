"""The agency gazetteer and the parsing of agency cells and tags.

Every cell below is read from the document at the line in its comment (the test checks that the
line holds it), and the expected agencies were checked by reading the document and the notes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.agencies import (
    AgencyBook,
    AgencyRecord,
    NameRef,
    index_collisions,
    load_agency_book,
    split_agency_list,
    split_lead_co,
)
from graph.model import EdgeType, Provenance
from loaders.agency_nodes import AgencyCollector
from loaders.corpus import DEFAULT_CORPUS

FILES = {p.name[:3]: p for p in DEFAULT_CORPUS.glob("0*.txt")}


@pytest.fixture(scope="module")
def book() -> AgencyBook:
    return load_agency_book()


def cell_at(doc: str, line: int, cell: str) -> str:
    """The cell, after checking that the document prints it at that line (1-based)."""
    text = FILES[doc].read_text(encoding="utf-8").split("\n")[line - 1]
    assert cell in text, f"{doc}:{line} does not contain {cell!r}"
    return cell


def ids(refs: list[NameRef]) -> list[str | None]:
    return [r.record.id if r.record else None for r in refs]


# --- the gazetteer ---------------------------------------------------------------------------------


def test_no_name_means_two_agencies(book: AgencyBook) -> None:
    assert index_collisions(book.records) == {}


def test_collision_check_catches_a_shared_global_unit_name() -> None:
    # Two ministries' 資訊處 as global (non-local) names: the check must report it, loading must fail.
    records = {
        "a": AgencyRecord(id="a", name="甲部"),
        "b": AgencyRecord(id="b", name="乙部"),
        "a-dit": AgencyRecord(id="a-dit", name="甲部資訊處", unit="資訊處", parent="a"),
        "b-dit": AgencyRecord(id="b-dit", name="乙部資訊處", unit="資訊處", parent="b"),
    }
    assert index_collisions(records) == {"资讯处": ["a-dit", "b-dit"]}
    with pytest.raises(ValueError, match="more than one agency"):
        AgencyBook(records)


def test_bare_generic_unit_needs_its_ministry(book: AgencyBook) -> None:
    # 資訊處 exists under 衛福部 (001:444), 經濟部 and 文化部 (003 tags) and 行政院 (000:372).
    assert book.resolve("資訊處") is None
    mohw = book.resolve("衛福部")
    moea = book.resolve("經濟部")
    assert mohw is not None and moea is not None
    assert getattr(book.resolve("資訊處", context=mohw), "name", None) == "衛生福利部資訊處"
    assert getattr(book.resolve("資訊處", context=moea), "name", None) == "經濟部資訊處"
    assert getattr(book.resolve("行政院資訊處"), "name", None) == "行政院資訊處"  # 000:372


def test_one_id_for_every_name_of_moda(book: AgencyBook) -> None:
    # 000:2660 數發部; 003:1285 數位部; 004:529 數發部; 004 English MODA
    found = {book.resolve(n).id for n in ["數發部", "數位發展部", "數位部", "MODA", "數發 部"]}  # type: ignore[union-attr]
    assert found == {"moda"}
    assert book.records["moda"].english == "Ministry of Digital Affairs"


@pytest.mark.parametrize(
    ("old", "current"),
    [
        ("農委會", "農業部"),  # 000:2698 in 表4; 表2 note 2: restructured 2023-08-01
        ("行政院農業委員會", "農業部"),
        ("科技部", "國家科學及技術委員會"),
        ("行政院環境保護署", "環境部"),  # 表2 note 4
        ("行政院原子能委員會", "核能安全委員會"),  # 表2 note 3
        ("經濟部能源局", "經濟部能源署"),  # 001:867
        ("交通部公路總局", "交通部公路局"),  # 003:1607
        ("經濟部中央地質調查所", "經濟部地質調查及礦業管理中心"),  # 003:1446
        ("行政院資通安全處", "數位發展部資通安全署"),  # 000:376 + note 6
        ("行政院科技會報辦公室", "國家科學及技術委員會科技辦公室"),  # 000:374 + note 5
    ],
)
def test_former_names_resolve_to_the_current_body(book: AgencyBook, old: str, current: str) -> None:
    rec = book.resolve(old)
    assert rec is not None and rec.name == current


def test_reorganised_units_keep_their_parent(book: AgencyBook) -> None:
    assert book.records["moda-acs"].parent == "moda"  # 資通安全署 under 數位發展部
    assert book.records["nstc-sto"].parent == "nstc"  # 科技辦公室 under 國科會
    assert book.records["nchc"].parent == "narlabs"  # 國網中心 under 國研院 (001:1152)


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("数位发展部", "數位發展部"),
        ("经济部产业发展署", "經濟部產業發展署"),
        ("卫福部健保署", "衛生福利部中央健康保險署"),
        ("國科會（前瞻處）", "國家科學及技術委員會前瞻及應用科技處"),  # full-width parentheses
        ("ＮＣＣ", "國家通訊傳播委員會"),  # full-width letters; 004:548 NCC
        ("國研院台灣半導體研究中心", "國家實驗研究院台灣半導體研究中心"),  # 003:1161
        ("國研院臺灣半導體研究中心", "國家實驗研究院台灣半導體研究中心"),  # 臺/台
    ],
)
def test_script_width_and_variant_forms(book: AgencyBook, printed: str, name: str) -> None:
    rec = book.resolve(printed)
    assert rec is not None and rec.name == name


def test_venue_and_foreign_office_are_not_our_ministries(book: AgencyBook) -> None:
    # 002:1420 集思交通部國際會議中心 is a venue; 002:1528 奈良市觀光經濟部 is a Japanese city office.
    assert book.resolve(cell_at("002", 1420, "集思交通部國際會議中心")) is None
    rec = book.resolve(cell_at("002", 1528, "奈良市觀光經濟部"))
    assert rec is not None and rec.category == "external"


def test_collectives_are_not_agencies(book: AgencyBook) -> None:
    for name in ["各機關", "地方政府", "相關部會", "各中央目的事業主管機關"]:
        assert book.is_collective(name)
        assert book.resolve(name) is None
    assert not book.is_collective("經濟部")
    # Not in the YAML list, but the same kind of group.
    assert book.is_collective("各相關機關") and book.is_collective("其他部會")
    assert not book.is_collective("各縣市政府衛生局長")


def test_an_unknown_name_stays_unresolved(book: AgencyBook) -> None:
    refs = book.parse_names("火星開發署、經濟部")
    assert ids(refs) == [None, "moea"]
    assert not refs[0].is_collective and not refs[0].fuzzy


def test_fuzzy_only_when_unambiguous_and_flagged(book: AgencyBook) -> None:
    # 003:1595 【金融管理委員會】 is a misprint of 金融監督管理委員會
    refs = book.parse_names(cell_at("003", 1595, "【金融管理委員會】"))
    assert ids(refs) == ["fsc"] and refs[0].fuzzy
    assert book.resolve("金融管理委員會") is None  # resolve() does not guess unless asked
    assert book.resolve("金融管理委員會", fuzzy=True) == book.records["fsc"]
    # A short name is never guessed: 國科部 is one character off 國防部 and 國科會.
    assert book.resolve("國科部", fuzzy=True) is None


# --- cells and tags --------------------------------------------------------------------------------


def test_001_449_lead_slash_then_co_with_bare_unit(book: AgencyBook) -> None:
    cell = cell_at("001", 449, "衛福部健保署/資訊處、國家衛生研究院、醫藥品查驗中心")
    lead, co = split_lead_co(cell)
    assert lead == "衛福部健保署" and co == "資訊處、國家衛生研究院、醫藥品查驗中心"
    lead_refs = book.parse_names(lead)
    assert ids(lead_refs) == ["mohw-nhia"]
    assert book.records["mohw-nhia"].parent == "mohw"
    # 資訊處 is bare in the co part: it takes the lead's ministry when parsed with the whole cell.
    refs = book.parse_names(cell)
    assert ids(refs) == ["mohw-nhia", "mohw-dit", "nhri", "cde"]
    assert refs[1].in_context and refs[1].record is not None and refs[1].record.name == "衛生福利部資訊處"


def test_001_502_slash(book: AgencyBook) -> None:
    lead, co = split_lead_co(cell_at("001", 502, "金管會/國科會"))
    assert (lead, co) == ("金管會", "國科會")


def test_000_2716_table4_string_with_spaces(book: AgencyBook) -> None:
    cell = cell_at("000", 2716, "經濟部／農業部、數發 部、衛福部")
    lead, co = split_lead_co(cell)
    assert ids(book.parse_names(lead)) == ["moea"]
    assert co is not None and ids(book.parse_names(co)) == ["moa", "moda", "mohw"]


def test_000_2732_duplicate_name_kept_in_order(book: AgencyBook) -> None:
    cell = cell_at("000", 2732, "經濟部／教育部、僑委會、數發部、僑委會")
    assert ids(book.parse_names(cell)) == ["moea", "moe", "ocac", "moda", "ocac"]


def test_000_2698_old_name_in_table(book: AgencyBook) -> None:
    line = FILES["000"].read_text(encoding="utf-8").split("\n")[2697]
    assert "農委會" in line
    assert [r.record.id for r in book.parse_names(line.split("\t")[-1]) if r.record].count("moa") == 1


def test_003_1840_elliptical_list_with_ji(book: AgencyBook) -> None:
    cell = cell_at("003", 1840, "【交通部公路局、鐵道局及運輸研究所】")
    refs = book.parse_names(cell)
    assert ids(refs) == ["motc-hb", "motc-rb", "motc-iot"]
    assert [r.surface for r in refs] == ["交通部公路局", "鐵道局", "運輸研究所"]


def test_003_1161_units_then_foundation_centre(book: AgencyBook) -> None:
    cell = cell_at("003", 1161, "【國科會自然處、工程處、國研院台灣半導體研究中心】")
    assert ids(book.parse_names(cell)) == ["nstc-nat", "nstc-eng", "tsri"]
    assert book.resolve("工程處") is None  # generic: only after 國科會


def test_003_2775_ji_inside_a_name_is_not_a_separator(book: AgencyBook) -> None:
    cell = cell_at("003", 2775, "【衛福部護理及健康照護司、醫事司】")
    assert ids(book.parse_names(cell)) == ["mohw-dnhc", "mohw-doma"]


def test_003_1893_labour_units(book: AgencyBook) -> None:
    cell = cell_at("003", 1893, "【勞動部勞保局、勞發署、勞動條件及就業平等司】")
    assert ids(book.parse_names(cell)) == ["mol-bli", "mol-wda", "mol-dlsee"]


def test_003_2607_parenthesised_executing_body(book: AgencyBook) -> None:
    refs = book.parse_names(cell_at("003", 2607, "【國家科學及技術委員會（國家災害防救科技中心）】"))
    assert ids(refs) == ["ncdr"]
    assert refs[0].outer is not None and refs[0].outer.id == "nstc"


def test_001_parenthesised_units(book: AgencyBook) -> None:
    assert ids(book.parse_names(cell_at("001", 1264, "國科會(前瞻處)"))) == ["nstc-dfat"]
    assert ids(book.parse_names(cell_at("001", 1263, "國發會(法制協調處)"))) == ["ndc-dlc"]
    refs = book.parse_names(cell_at("001", 1152, "國科會前瞻處(國網中心)"))
    assert ids(refs) == ["nchc"] and refs[0].outer is not None and refs[0].outer.id == "nstc-dfat"
    # 001:478 the parenthesis is a collective: the 消防署 is the agency
    assert ids(book.parse_names(cell_at("001", 478, "內政部消防署(各地方消防機關)"))) == ["moi-nfa"]


def test_001_1250_member_list(book: AgencyBook) -> None:
    cell = cell_at(
        "001",
        1250,
        "數發部(數位政府司)、相關部會(內政部、交通部、法務部、衛福部、財政部、經濟部、農業部、農業科技司、"
        "環境部、文化部、銓敘部、國發會、工程會、原民會、人事總處、故宮)",
    )
    refs = book.parse_names(cell)
    assert ids(refs)[0] == "moda-ddg"
    assert refs[1].is_collective and refs[1].surface == "相關部會"
    members = [r for r in refs if r.group == "相關部會"]
    assert len(members) == 16
    assert [r.record.id if r.record else None for r in members][5:8] == ["moea", "moa", "moa-dst"]
    assert all(r.record is not None for r in members)
    assert members[-1].record is not None and members[-1].record.id == "npm"  # 故宮


def test_001_collectives_after_a_unit(book: AgencyBook) -> None:
    refs = book.parse_names(cell_at("001", 1257, "數發部(資料創新司)、各機關、地方政府"))
    assert ids(refs) == ["moda-ddi", None, None]
    assert [r.is_collective for r in refs] == [False, True, True]


def test_001_names_broken_by_spaces_and_wraps(book: AgencyBook) -> None:
    assert ids(book.parse_names(cell_at("001", 493, "經濟部商業 發展署"))) == ["moea-ac"]
    assert ids(book.parse_names(cell_at("001", 486, "數發部 數產署"))) == ["moda-adi"]
    # 001:444 / 447: the cell 衛福部醫事 continues as 司 in the next table fragment
    cell_at("001", 444, "衛福部醫事")
    assert ids(book.parse_names("衛福部醫事\n司")) == ["mohw-doma"]
    # 003:990-991 a tag whose unit wraps onto the next line
    cell_at("003", 990, "【文化部】")
    assert ids(book.parse_names("【文化部】  \n文創發展司")) == ["moc-dcci"]


def test_001_bare_units_after_their_ministry(book: AgencyBook) -> None:
    assert ids(book.parse_names(cell_at("001", 459, "交通部、鐵道局"))) == ["motc", "motc-rb"]
    cell = cell_at("001", 465, "交通部中央氣象署、運輸研究所、公路局、高速公路局")
    assert ids(book.parse_names(cell)) == ["motc-cwa", "motc-iot", "motc-hb", "motc-fb"]


def test_001_local_government_and_unit(book: AgencyBook) -> None:
    cell = cell_at("001", 1068, "臺南市政府、經濟部產業園區管理局")
    assert ids(book.parse_names(cell)) == ["tainan", "moea-ipa"]


def test_003_tags_with_labels_and_pairs(book: AgencyBook) -> None:
    assert ids(book.parse_names(cell_at("003", 463, "【召集部會：數位發展部】"))) == ["moda"]
    assert ids(book.parse_names(cell_at("003", 493, "【數位發展部、原民會】"))) == ["moda", "cip"]


def test_004_slash_lists(book: AgencyBook) -> None:
    cell = cell_at("004", 529, "(數發部/經濟部/國科會)")
    assert ids(book.parse_names(cell)) == ["moda", "moea", "nstc"]
    assert split_lead_co(cell) == ("數發部", "經濟部/國科會")
    # 004:655 leading slash: no lead printed
    cell = cell_at("004", 655, "(/國發會/國科會/數發部/NCC)")
    assert ids(book.parse_names(cell)) == ["ndc", "nstc", "moda", "ncc"]
    assert split_lead_co(cell) == ("", "國發會/國科會/數發部/NCC")


def test_split_lead_co_ignores_slashes_in_parentheses() -> None:
    assert split_lead_co("數發部(甲/乙)／經濟部") == ("數發部(甲/乙)", "經濟部")
    assert split_lead_co("數發部") == ("數發部", None)


def test_split_agency_list_returns_printed_names() -> None:
    cell = cell_at("003", 1840, "【交通部公路局、鐵道局及運輸研究所】")
    assert split_agency_list(cell) == ["交通部公路局", "鐵道局", "運輸研究所"]


def test_every_agency_cell_of_001_resolves(book: AgencyBook) -> None:
    # The 主/協辦 column of 表2-表11: every name resolves or is a collective, except the wrapped
    # 衛福部醫事 / 司 pair at 444/447, which only resolves joined (tested above).
    bad = []
    for n, line in enumerate(FILES["001"].read_text(encoding="utf-8").split("\n"), 1):
        parts = line.split("\t")
        if len(parts) < 4 or not parts[-1].strip() or "主/協辦" in parts[-1] or n in (444, 447):
            continue
        bad += [(n, r.surface) for r in book.parse_names(parts[-1]) if r.record is None and not r.is_collective]
    assert bad == []


def test_every_tag_of_003_resolves(book: AgencyBook) -> None:
    import re

    bad = []
    for n, line in enumerate(FILES["003"].read_text(encoding="utf-8").split("\n"), 1):
        for tag in re.findall(r"【[^】]*】", line):
            bad += [(n, r.surface) for r in book.parse_names(tag) if r.record is None and not r.is_collective]
    assert bad == []


def test_collector_links_units_to_parents(book: AgencyBook) -> None:
    coll = AgencyCollector(book)
    rec = book.resolve("衛福部健保署")
    assert rec is not None
    prov = Provenance(document="ai-ten", line_start=449, line_end=449, quote="衛福部健保署/資訊處")
    assert coll.mention(rec, prov) == "agency/mohw-nhia"
    nodes, edges = coll.build()
    assert {n.id for n in nodes} == {"agency/mohw", "agency/mohw-nhia"}
    assert [(e.source, e.target, e.type) for e in edges] == [("agency/mohw", "agency/mohw-nhia", EdgeType.HAS_UNIT)]
    unit = next(n for n in nodes if n.id == "agency/mohw-nhia")
    assert unit.title == "衛生福利部中央健康保險署" and "健保署" in unit.attrs["aliases"]


def test_bad_reference_file_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "agencies.yaml"
    bad.write_text("agencies:\n  - id: x\n    name: 甲\n    parent: nowhere\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown agency 'nowhere'"):
        load_agency_book(bad)
