"""Facts about AI 新十大建設推動方案 (001_3e3adedee198aa68.txt), checked by reading the document.

Nodes are looked up by the line they start on, so each test names the line it checks; the quoted
source text is in the comments. Agencies are compared by their gazetteer ids.
"""

from __future__ import annotations

import pytest

from graph.embedded_store import EmbeddedStore
from graph.model import Edge, EdgeType, GraphBatch, Node, NodeKind
from loaders.readers.ai_ten.tables import numbered_items, parse_schedule

DOC = "ai-ten"
INIT, S, M, A = NodeKind.INITIATIVE, NodeKind.STRATEGY, NodeKind.MEASURE, NodeKind.ACTION
LEADS, CO, RESP = EdgeType.LEADS, EdgeType.CO_ORGANIZES, EdgeType.RESPONSIBLE_FOR


def at(store: EmbeddedStore, line: int, kind: NodeKind) -> Node:
    found = [n for n in store.nodes(kinds=[kind], document=DOC) if n.provenance.line_start == line]
    assert len(found) == 1, f"expected one {kind.value} at 001:{line}, found {[n.id for n in found]}"
    return found[0]


def assigned(store: EmbeddedStore, node: Node, role: EdgeType) -> dict[str, Edge]:
    return {e.source: e for e in store.edges(target=node.id, types=[role])}


def chain(store: EmbeddedStore, node: Node) -> list[tuple[int, NodeKind]]:
    return [(r.node.line, r.node.kind) for r in store.ancestors(node.id)]


# --- counts the document states --------------------------------------------------------------------


def test_ten_initiatives_in_table_1_order(corpus_store: EmbeddedStore) -> None:
    # 001:3 「AI 新十大建設」; 表1 (001:114-126) one row per initiative, header repeated at 120
    table_1 = [
        "全民智慧生活圈",
        "百工百業智慧應用",
        "AI 數位產業登峰",
        "矽光子技術全球領先",
        "全球量子能力登頂",
        "全球 AI 機器人供應鏈樞紐",
        "主權 AI 及算力建設",
        "智慧政府與資料治理",
        "AI 人才生態系引領國際",
        "千億資金驅動創新",
    ]
    initiatives = corpus_store.nodes(kinds=[INIT], document=DOC)
    assert [n.title for n in initiatives] == table_1
    # 001:130, 556, 633, 705, 761, 929, 1091, 1182, 1283, 1436 (markdown depth ### / ## / #### varies)
    assert [n.line for n in initiatives] == [130, 556, 633, 705, 761, 929, 1091, 1182, 1283, 1436]
    for n in initiatives:
        assert [k for _, k in chain(corpus_store, n)] == [NodeKind.PLAN]


def test_five_goals(corpus_store: EmbeddedStore) -> None:
    # 001:89 「以及達成以下五大目標：」; 001:91-95 (一)…(五)
    plan = corpus_store.node(f"{DOC}:plan")
    assert plan is not None
    targets = [corpus_store.node(e.target) for e in corpus_store.edges(source=plan.id, types=[EdgeType.HAS_TARGET])]
    goals = sorted((t for t in targets if t is not None and t.attrs.get("statement") == "goal"), key=lambda t: t.line)
    assert [g.line for g in goals] == [91, 92, 93, 94, 95]
    # 001:92 `- (二) 打造新國力，使臺灣成為世界 AI 影響力之一。` (002:275 words it differently)
    assert goals[1].title == "打造新國力，使臺灣成為世界 AI 影響力之一"


def test_strategy_counts_per_initiative(corpus_store: EmbeddedStore) -> None:
    # Counted in the (一) 推動策略 blocks and confirmed by the group rows of 表2-表11
    # (e.g. 表2 has group rows 1. 智慧醫療 … <b>12. 智慧餐飲</b>, 001:435-512).
    per_initiative = [len(corpus_store.children(n.id)) for n in corpus_store.nodes(kinds=[INIT], document=DOC)]
    assert per_initiative == [12, 5, 3, 5, 6, 4, 4, 4, 3, 3]


# --- the tree ---------------------------------------------------------------------------------------


def test_measure_chain_001_140(corpus_store: EmbeddedStore) -> None:
    # 001:140 `##### (1)次世代數位醫療平臺計畫` under 001:136 `##### 1. 智慧醫療` under 001:130 一、全民智慧生活圈
    m = at(corpus_store, 140, M)
    assert m.title == "次世代數位醫療平臺計畫"
    assert chain(corpus_store, m)[:2] == [(136, S), (130, INIT)]
    assert [k for _, k in chain(corpus_store, m)] == [S, INIT, NodeKind.PLAN]


def test_strategies_4_and_5_after_nested_bullets_001_728(corpus_store: EmbeddedStore) -> None:
    # 001:726-727 `  - B.` / `  - C.` nested under (1) 001:723; then plain 001:728 `4. 以政策誘因…：…`
    # and 001:729 `5. 建立矽光子研究中心：…` are strategies of 四、矽光子技術全球領先 (001:705).
    s4, s5 = at(corpus_store, 728, S), at(corpus_store, 729, S)
    assert (s4.number, s4.title) == ("4", "以政策誘因，輔以科專計畫來協助廠商拓展創新應用")
    assert (s5.number, s5.title) == ("5", "建立矽光子研究中心")
    assert corpus_store.parent(s4.id).line == 705  # type: ignore[union-attr]
    assert corpus_store.parent(s5.id).line == 705  # type: ignore[union-attr]
    # 001:727 `  - C. 規劃建置試量產線…` stays an action of (1) at 001:723
    assert corpus_store.parent(at(corpus_store, 727, A).id).line == 723  # type: ignore[union-attr]


def test_field_labels_are_not_items_001_223(corpus_store: EmbeddedStore) -> None:
    # 001:221 `A. 辦理智慧建築 AI 導入現況研究與調查分析`, then 001:223 `(A) 目標：…` and 001:225 `(B) 內容：…`
    ids = {n.line for n in corpus_store.nodes(document=DOC) if n.kind is not NodeKind.AGENCY}
    assert 223 not in ids and 225 not in ids
    a = at(corpus_store, 221, A)
    assert a.title == "辦理智慧建築 AI 導入現況研究與調查分析"
    assert corpus_store.parent(a.id).line == 219  # type: ignore[union-attr]
    assert "掌握國內外智慧建築 AI 技術及發展趨勢" in a.attrs["text"]


def test_page_header_001_101_and_outcomes_are_not_nodes(corpus_store: EmbeddedStore) -> None:
    # 001:101 `# AI新十大建設推動方案` is a running page header; 001:536 `### 4. 智慧建築：完成…` is an
    # outcome of (二) 預期亮點成果 (001:515), not a strategy.
    lines = {n.line for n in corpus_store.nodes(document=DOC) if n.kind in (INIT, S, M, A)}
    assert 101 not in lines
    assert not lines & {517, 536, 540, 627, 750}


def test_nested_and_plain_actions_001_297(corpus_store: EmbeddedStore) -> None:
    # 001:296 `- (1) 運用 AI 技術建構主動防禦機制…`; 001:297 nested `  - A. 領域實證，強化產業韌性：針對…`
    # (cut by the page break, continued at 001:299); 001:301 plain `B. 帶動產業發展，推動國際輸出：…`
    a, b = at(corpus_store, 297, A), at(corpus_store, 301, A)
    assert (a.title, b.title) == ("領域實證，強化產業韌性", "帶動產業發展，推動國際輸出")
    assert a.provenance.line_end == 299
    assert corpus_store.parent(a.id).line == corpus_store.parent(b.id).line == 296  # type: ignore[union-attr]


def test_titles_joined_across_page_breaks(corpus_store: EmbeddedStore) -> None:
    # 001:185 `(6)以人體生物資料庫布局智慧醫療環境：…持續應對智慧` / 001:187 `醫療之資料利用需求。`
    m = at(corpus_store, 185, M)
    assert (m.title, m.provenance.line_end) == ("以人體生物資料庫布局智慧醫療環境", 187)
    # 001:1198 `#### 2. 提升政府數位應用韌性治理能量：以「驅動…` / 001:1200 `AI 發展的信任基礎與執行準則。`
    s = at(corpus_store, 1198, S)
    assert (s.title, s.provenance.line_end) == ("提升政府數位應用韌性治理能量", 1200)


def test_bold_markers_001_1337(corpus_store: EmbeddedStore) -> None:
    # 001:1337 `**2. 培力產業實作人才**`, 001:1319 `**(3) 國中小基礎扎根**`
    assert at(corpus_store, 1337, S).title == "培力產業實作人才"
    m = at(corpus_store, 1319, M)
    assert m.title == "國中小基礎扎根"
    assert corpus_store.parent(m.id).line == 1289  # type: ignore[union-attr]


# --- responsibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "agency"),
    [
        pytest.param(130, "nstc", id="001:115 全民智慧生活圈 國科會"),
        pytest.param(556, "moea", id="001:116 百工百業智慧應用 經濟部"),
        pytest.param(633, "moda", id="001:117 AI 數位產業登峰 數發部"),
        pytest.param(705, "moea", id="001:118 矽光子技術全球領先 經濟部"),
        # 001:120 repeats the header after the page break
        pytest.param(761, "nstc", id="001:121 全球量子能力登頂 國科會"),
        pytest.param(929, "nstc", id="001:122 全球 AI 機器人供應鏈樞紐 國科會"),
        pytest.param(1091, "nstc", id="001:123 主權 AI 及算力建設 國科會"),
        pytest.param(1182, "moda", id="001:124 智慧政府與資料治理 數發部"),
        pytest.param(1283, "ndc", id="001:125 AI 人才生態系引領國際 國發會"),
        pytest.param(1436, "ndc", id="001:126 千億資金驅動創新 國發會"),
    ],
)
def test_table_1_leads(corpus_store: EmbeddedStore, line: int, agency: str) -> None:
    leads = assigned(corpus_store, at(corpus_store, line, INIT), LEADS)
    assert list(leads) == [f"agency/{agency}"]


def test_slash_cell_001_449(corpus_store: EmbeddedStore) -> None:
    # 001:449 導入創新智慧科技應用，優化在宅醫療系統… | 115/01-118/12 |
    #   衛福部健保署/資訊處、國家衛生研究院、醫藥品查驗中心 -> body (8) 建構智慧化在宅醫療生態系 (001:190)
    m = at(corpus_store, 190, M)
    assert m.title == "建構智慧化在宅醫療生態系"
    assert list(assigned(corpus_store, m, LEADS)) == ["agency/mohw-nhia"]
    assert set(assigned(corpus_store, m, CO)) == {"agency/mohw-dit", "agency/nhri", "agency/cde"}
    assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2026-01", "2029-12")


def test_slash_cell_001_502(corpus_store: EmbeddedStore) -> None:
    # 001:502 建構金融大語言模型 | … | 114- | 金管會/國科會 -> body (2) at 001:396
    m = at(corpus_store, 396, M)
    assert list(assigned(corpus_store, m, LEADS)) == ["agency/fsc"]
    assert list(assigned(corpus_store, m, CO)) == ["agency/nstc"]
    assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2025", None)  # `114-`: open-ended


def test_unslashed_list_001_736(corpus_store: EmbeddedStore) -> None:
    # 001:736 突破 AI 系統資料傳輸瓶頸… | 115/01-118/12 | 經濟部技術司、工研院 -> body (2) 001:714.
    # No slash: the cell does not say who leads, so both are responsible with the role unstated
    # (profile: unslashed_list unstated); the raw cell is kept. Nobody is made lead.
    m = at(corpus_store, 714, M)
    listed = assigned(corpus_store, m, RESP)
    assert set(listed) == {"agency/moea-doit", "agency/itri"}
    assert listed["agency/itri"].attrs["cell"] == "經濟部技術司、工研院"
    assert listed["agency/itri"].attrs["role_rule"] == "unslashed_list: unstated"
    assert not assigned(corpus_store, m, LEADS) and not assigned(corpus_store, m, CO)


def test_bare_unit_takes_the_ministry_001_459(corpus_store: EmbeddedStore) -> None:
    # 001:459 智慧運輸系統升級 | … | 114/01-117/12 | 交通部、鐵道局 -> (1) 001:208
    assert set(assigned(corpus_store, at(corpus_store, 208, M), RESP)) == {"agency/motc", "agency/motc-rb"}


def test_executing_body_001_1152(corpus_store: EmbeddedStore) -> None:
    # 001:1152 打造便利安全之雲端開發環境 | … | 113/01-117/12 | 國科會前瞻處(國網中心);
    # 001:1153 second period 115/01-118/12 -> (1) 打造高效便利安全之雲端開發環境 (001:1099)
    m = at(corpus_store, 1099, M)
    assert list(assigned(corpus_store, m, LEADS)) == ["agency/nstc-dfat"]
    assert list(assigned(corpus_store, m, CO)) == ["agency/nchc"]
    assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2024-01", "2029-12")


def test_cell_split_by_page_break_001_444(corpus_store: EmbeddedStore) -> None:
    # 001:444 以人體生物資料庫 | 精進… | 目前無計畫，如 | 衛福部醫事
    # 001:447 布局智慧醫療環境 | 之資料… | 核定經費，依計畫期程執行至117/12 | 司
    m = at(corpus_store, 185, M)
    assert list(assigned(corpus_store, m, LEADS)) == ["agency/mohw-doma"]
    assert m.attrs["schedule_raw"] == ["目前無計畫，如核定經費，依計畫期程執行至117/12"]
    assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == (None, "2028-12")


def test_empty_cells_001_479_480_are_inferred_and_said(corpus_store: EmbeddedStore, corpus_batch: GraphBatch) -> None:
    # 001:478 建置全國各地方消防機關無人機… | 113/01-115/12 | 內政部消防署(各地方消防機關)
    # 001:480 辦理各地方消防機關遙控無人機專業操作證培訓考照訓練171人 | (empty) | (empty)
    #   -> (8) 專業無人機搜救人才培育 (001:340)
    m = at(corpus_store, 340, M)
    lead = assigned(corpus_store, m, LEADS)["agency/moi-nfa"]
    assert lead.attrs["inferred"] is True
    assert lead.provenance.note is not None and "line 480 is empty" in lead.provenance.note
    assert (lead.provenance.line_start, lead.provenance.line_end) == (478, 480)
    warned = {(w.line, w.code) for w in corpus_batch.warnings if w.document == DOC}
    assert (479, "merged-cell") in warned and (480, "merged-cell") in warned


def test_jumbled_table_6_001_865(corpus_store: EmbeddedStore) -> None:
    # 001:865-868: 表6 group 1 has four numbered 具體措施 next to three unrelated numbered 執行內容;
    # only 865-866 have cells (中研院). The body's three measures (001:769, 773, 777) stay three,
    # all with 中研院; the last one's assignment is inferred from the empty cells at 867-868.
    s = at(corpus_store, 767, S)
    assert [c.line for c in corpus_store.children(s.id)] == [769, 773, 777]
    for line in (769, 773, 777):
        assert list(assigned(corpus_store, at(corpus_store, line, M), LEADS)) == ["agency/sinica"], line
    last = assigned(corpus_store, at(corpus_store, 777, M), LEADS)["agency/sinica"]
    assert last.attrs["inferred"] is True


def test_rows_without_body_counterpart_001_610_1525(corpus_store: EmbeddedStore) -> None:
    # 001:610 輔導資服業者發展適用於產業的 AI 解決方案… | 114/01-117/12 | 數發部數產署 (group 2. 帶動 AI 產業發展)
    s = at(corpus_store, 572, S)
    assert 610 in s.attrs["table_rows"]
    assert not corpus_store.children(s.id)  # the body itemises no measure there; none is invented
    # 001:1525 定期彙整新創企業及獲投資訊 | … | 經濟部中企署 (group 2. 擴大投資標的, 001:1476)
    s2 = at(corpus_store, 1476, S)
    assert 1525 in s2.attrs["table_rows"]
    edge = assigned(corpus_store, s2, LEADS)["agency/moea-sme"]
    assert edge.provenance.note is not None and "no body measure matches" in edge.provenance.note


def test_row_1512_names_1468_by_its_text(corpus_store: EmbeddedStore) -> None:
    # 001:1512 鼓勵企業擴大投資 | 強化與企業創投交流，鼓勵企業創投投資新創 | 114/01-117/12 |
    #   國發會產業處、經濟部產發署、國發基金
    # names no body title, but 001:1468 (2)鼓勵 CVC、保險業等民間業者投資 AI 新創, whose text (001:1470)
    # 「…透過企業創投(CVC)結合投資導入補助計畫，加速企業策略投資…」
    m = at(corpus_store, 1468, M)
    leads = assigned(corpus_store, m, RESP)  # a 、-list: role unstated
    assert set(leads) == {"agency/ndc-did", "agency/moea-ida", "agency/ndf"}
    assert leads["agency/ndf"].provenance.line_start == 1512
    assert leads["agency/ndf"].attrs["match"] == "paragraph"
    assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2025-01", "2028-12")


def test_row_1513_names_1472_by_its_text(corpus_store: EmbeddedStore) -> None:
    # 001:1513 亞洲創新籌資平臺推動計畫 | … | 115/01~117/12 | 金管會證券期貨局
    # -> 001:1472 (3)擴大臺灣資本市場規模, whose text (001:1474) 「重點扶植代表性新創，並推動亞洲創新籌資平臺…」
    m = at(corpus_store, 1472, M)
    leads = assigned(corpus_store, m, LEADS)
    assert list(leads) == ["agency/fsc-sfb"]  # 證期局, a unit of 金管會
    unit = corpus_store.node("agency/fsc-sfb")
    assert unit is not None and unit.attrs["parent"] == "agency/fsc"
    assert leads["agency/fsc-sfb"].provenance.line_start == 1513
    assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2026-01", "2028-12")


def test_rows_1530_1531_name_1498_by_its_text(corpus_store: EmbeddedStore) -> None:
    # 001:1530 橋接國內外新創及資源 | 打造國際新創基地…帶領新創參與國際展會… | 114/01-117/12 |
    #   國科會產學處、經濟部中企署
    # 001:1531 雙向連結全球資源 | 藉由強化矽谷及東京新創基地功能… | 113/01-117/12 |
    #   國發會產業處、經濟部中企署、國科會產學處
    # -> 001:1498 (2) 協助 AI 新創對接國際商機及參展爭取訂單: 001:1500 「A. 擴大東京、矽谷海外新創基地服務量能…」,
    #    001:1501 「B. 輔導 AI 新創參加國際展會…」
    m = at(corpus_store, 1498, M)
    leads = assigned(corpus_store, m, RESP)  # 、-lists: role unstated
    assert set(leads) == {"agency/nstc-aip", "agency/moea-sme", "agency/ndc-did"}
    assert leads["agency/moea-sme"].attrs["rows"] == [1530, 1531]
    assert leads["agency/ndc-did"].provenance.line_start == 1531
    assert m.attrs["table_rows"] == [1530, 1531]
    assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2024-01", "2028-12")
    # and the strategy (001:1492 3. 對接國際創新資源) no longer holds them as unmatched rows
    s = at(corpus_store, 1492, S)
    assert not s.attrs.get("table_rows")
    assert not assigned(corpus_store, s, LEADS)
    # 001:1442 1. 活絡投資生態系 likewise (rows 1512/1513 are its measures'); 1525 stays (no body measure)
    assert not at(corpus_store, 1442, S).attrs.get("table_rows")


def test_row_496_covers_two_measures(corpus_store: EmbeddedStore) -> None:
    # 001:496 跨部會協作推動百萬用戶等級數位公共服務，及依據區域特性，推動跨域創新應用服務。| … |
    #   115/01-118/12 | 數發部數產署
    # Its two clauses are the two measures of 8. AI 智慧城市 (001:374):
    #   001:381 (1)建立跨部會 AI 智慧城市整合協作機制：…公共服務…
    #   001:382 (2)推動區域主題式 AI 智慧城市應用：…訂定具區域特色之智慧城市發展策略主軸…
    for line in (381, 382):
        m = at(corpus_store, line, M)
        assert list(assigned(corpus_store, m, LEADS)) == ["agency/moda-adi"], line
        assert m.attrs["table_rows"] == [496], line
        assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2026-01", "2029-12"), line
    s = at(corpus_store, 374, S)
    assert not assigned(corpus_store, s, LEADS)


# --- schedules --------------------------------------------------------------------------------------


def test_schedules_in_attrs(corpus_store: EmbeddedStore) -> None:
    # 001:437 衛福數位基礎建設計畫 | … | 115/01-118/12 (尚在申請115年公建計畫) | 衛福部資訊處
    m = at(corpus_store, 147, M)
    assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2026-01", "2029-12")
    assert m.attrs["schedule_raw"] == ["115/01-118/12 (尚在申請115年公建計畫)"]
    # 001:457 失能者居家環境導入智慧科技輔具 | … | 115/07- -> (3) 001:202
    m3 = at(corpus_store, 202, M)
    assert (m3.attrs["schedule_start"], m3.attrs["schedule_end"]) == ("2026-07", None)
    # 001:443 強化業者在產品開發與上市過程的法規遵循能力 | … | 114/01-114/12 115/01-117/12 -> (5) 001:183
    m5 = at(corpus_store, 183, M)
    assert m5.attrs["schedules"][0]["periods"] == [["2025-01", "2025-12"], ["2026-01", "2028-12"]]


@pytest.mark.parametrize(
    ("cell", "periods"),
    [
        pytest.param("115/01~117/12", [("2026-01", "2028-12")], id="001:1513 tilde"),
        pytest.param("115/1-117/12", [("2026-01", "2028-12")], id="001:1268 one-digit month"),
        pytest.param("114/07- 118/12", [("2025-07", "2029-12")], id="001:687 space"),
        pytest.param("109/08-", [("2020-08", None)], id="001:1389 open"),
        pytest.param("—", [], id="001:1263 dash"),
        pytest.param("目前無計畫", [], id="001:441 none"),
    ],
)
def test_parse_schedule(cell: str, periods: list[tuple[str | None, str | None]]) -> None:
    assert [(r.start, r.end) for r in parse_schedule(cell).ranges] == periods


def test_numbered_items_of_a_merged_row_001_472() -> None:
    # 001:472 first cell: three measures of 5. 智慧電網 in one row
    cell = (
        "1. 開發 AI 負載預測技術，提升精準度 2. 發展 AI 發電最佳化排程，兼顧操作限制與成本等條件，"
        "實現綠電優先、增氣減煤目標 3. 落實配電資訊整合，推動饋線 AI 操作優化"
    )
    assert numbered_items(cell)[0] == "開發 AI 負載預測技術，提升精準度"
    assert len(numbered_items(cell)) == 3


def test_merged_row_goes_to_every_measure_001_472(corpus_store: EmbeddedStore) -> None:
    # 001:472 … | 114/01-117/12 | 經濟部能源局 (old name of 能源署) -> (1)(2)(3) at 001:290-292
    for line in (290, 291, 292):
        m = at(corpus_store, line, M)
        assert list(assigned(corpus_store, m, LEADS)) == ["agency/moea-ea"], line
        assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2025-01", "2028-12")


# --- targets ----------------------------------------------------------------------------------------


def targets_of(store: EmbeddedStore, node_id: str) -> list[Node]:
    out = [store.node(e.target) for e in store.edges(source=node_id, types=[EdgeType.HAS_TARGET])]
    return sorted((t for t in out if t is not None), key=lambda t: (t.line, t.attrs.get("span", [0])))


def test_2040_targets_001_89(corpus_store: EmbeddedStore) -> None:
    # 001:89 「於 2040 年創造新臺幣(下同)逾 15 兆元的產值，產生 50 萬個高薪就業機會，並打造出 3 個國際級實驗室」
    got = [
        (t.attrs["value"], t.attrs["unit"], t.attrs["year"], t.attrs["type"])
        for t in targets_of(corpus_store, f"{DOC}:plan")
        if t.line == 89
    ]
    assert got == [(15.0, "兆元", 2040, "target"), (50.0, "萬個", 2040, "target"), (3.0, "個", 2040, "target")]


def test_initiative_targets(corpus_store: EmbeddedStore) -> None:
    # 001:1093 「臺灣於2025年11月全球算力排名第13、亞洲排名第4」: baselines of 七、主權 AI 及算力建設
    seven = [
        (t.attrs["value"], t.attrs["type"], t.attrs["year"])
        for t in targets_of(corpus_store, at(corpus_store, 1091, INIT).id)
    ]
    assert (13.0, "baseline", 2025) in seven
    # 001:1285 「預計至2028年培育及延攬 AI 相關人才達40萬人次」
    nine = [t for t in targets_of(corpus_store, at(corpus_store, 1283, INIT).id) if t.line == 1285]
    assert [(t.attrs["value"], t.attrs["unit"], t.attrs["year"]) for t in nine] == [(40.0, "萬人次", 2028)]


def test_outcome_targets(corpus_store: EmbeddedStore) -> None:
    # (二) 預期亮點成果 of 十 (001:1533): 001:1538 「4. 整合各部會資源，以達成新創募資逾1,500億元。」
    ten = [t for t in targets_of(corpus_store, at(corpus_store, 1436, INIT).id) if t.line == 1538]
    assert [(t.attrs["type"], t.attrs["value"], t.attrs["unit"], t.attrs["qualifier"]) for t in ten] == [
        ("target", 1500.0, "億元", "逾")
    ]
    # 001:542 「7. 智慧零售：協助5萬家店家導入智慧服務，提升營收40億元。」 (outcome of 一)
    one = [t for t in targets_of(corpus_store, at(corpus_store, 130, INIT).id) if t.line == 542]
    assert [(t.attrs["value"], t.attrs["unit"]) for t in one] == [(5.0, "萬家"), (40.0, "億元")]
    # 001:1433 「提供世界前200大畢業生自由工作權利」 is a rule, not a rank target
    assert not [t for t in targets_of(corpus_store, at(corpus_store, 1283, INIT).id) if t.line == 1433]


def test_budget_and_roc_year_001_1450(corpus_store: EmbeddedStore) -> None:
    # 001:1450 「國發基金匡列100億元…該方案已於114年11月累計遴選36家搭配投資人…預計115年底累計投資至少8家 AI 新創」
    facts = [t for t in targets_of(corpus_store, at(corpus_store, 1446, A).id) if t.line == 1450]
    kinds = [(t.attrs["type"], t.attrs["value"], t.attrs["unit"], t.attrs["year"]) for t in facts]
    assert ("budget", 100.0, "億元", None) in kinds
    assert ("achieved", 36.0, "家", 2025) in kinds
    assert ("target", 8.0, "家", 2026) in kinds


def test_every_agency_named_in_001_resolves(corpus_batch: GraphBatch) -> None:
    unknown = [w for w in corpus_batch.warnings if w.document == DOC and w.code == "unknown-agency"]
    assert unknown == []


def test_row_listing_measures_in_its_content_001_1167(corpus_store: EmbeddedStore) -> None:
    # 001:1167 利用 AI 建立威脅情資自主智慧分析技術…(the strategy's paragraph) | <ol><li>114年開發…</li>
    #   <li>115年…</li><li>116年著重自然語言處理</li></ol> | 114/01-117/12 | 數發部資安署;
    # 001:1170 (after the page break) `<p>應用於資安議題…</p> <p>4. 117年…</p>`: the four yearly measures 001:1141-1144
    for line in (1141, 1142, 1143, 1144):
        m = at(corpus_store, line, M)
        assert list(assigned(corpus_store, m, LEADS)) == ["agency/moda-acs"], line
        assert (m.attrs["schedule_start"], m.attrs["schedule_end"]) == ("2025-01", "2028-12")


def test_figures_in_measure_cells_001_479_480(corpus_store: EmbeddedStore) -> None:
    # 001:479 「補助各地方消防機關複雜地形攜帶型無人機各2架(共44架)」 and 001:480
    # 「辦理各地方消防機關遙控無人機專業操作證培訓考照訓練171人」: 具體措施 cells with no other cell filled
    t479 = [t for t in corpus_store.nodes(kinds=[NodeKind.TARGET], document=DOC) if t.line == 479]
    assert sorted((t.attrs["value"], t.attrs["unit"], t.attrs["qualifier"]) for t in t479) == [
        (2.0, "架", "各"),
        (44.0, "架", "共"),
    ]
    t480 = [t for t in corpus_store.nodes(kinds=[NodeKind.TARGET], document=DOC) if t.line == 480]
    assert [(t.attrs["type"], t.attrs["value"], t.attrs["unit"], t.attrs["year"]) for t in t480] == [
        ("target", 171.0, "人", None)
    ]
    # 171 people trained: the measure the row names, 001:340 (8)專業無人機搜救人才培育
    owners = [e.source for e in corpus_store.edges(target=t480[0].id, types=[EdgeType.HAS_TARGET])]
    assert owners == [at(corpus_store, 340, M).id]
    # the drones: an item of 6. 智慧韌性 (001:294), which the table's group row 475 names
    for t in t479:
        (owner,) = [e.source for e in corpus_store.edges(target=t.id, types=[EdgeType.HAS_TARGET])]
        assert at(corpus_store, 294, S).id in [r.node.id for r in corpus_store.ancestors(owner)]
