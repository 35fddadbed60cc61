"""The withdrawal code's words in the kiosk's other languages (English is in withdrawal.py).

Each list has as many words as the English one: a code is kept as the *positions* of its words,
so "apple river seven" and a Polish code at the same positions are one code, whichever language
staff type it in. The words are everyday nouns, numbers and colours, one word each (no spaces or
hyphens), none of them rude, used as an insult, or easily heard as a rude word, and no two of a
list the same once accents are dropped (staff may type "bata" for "bàta" or "zolw" for "żółw").
They need not be translations of the English word at the same position; the tests check the
lengths, the repeats and the folding.
"""

from __future__ import annotations

# Scottish Gaelic.
GAELIC: tuple[str, ...] = tuple("""
cù cat each bò caora gobhar muc cearc tunnag gèadh coineanach luch feòrag gràineag sionnach
mathan geàrr fiadh earb bìobhair dòbhran ròn leumadair siorc iasg sgadan bradan breac losgann
nathair seilcheag seillean speach seangan eun smeòrach comhachag iolaire seabhag fitheach
feannag calman eala pearraid ailbhean leòmhann tìgear sioraf sebra muncaidh càmhal panda
crogall partan giomach faoileag gealbhan uiseag cuthag clamhan gobhlan sgarbh buthaid lacha
coileach isean uan laogh searrach pìseag cuilean tarbh damh mart aran ìm càise bainne ugh mil
silidh brot sailead rìs min siùcar salann piobar tì cofaidh sùgh uisge cèic briosgaid bonnach
lite ubhal peur plumas sùbh liomaid orains banana anann measan cnò curran buntàta uinnean
creamh tomàto càl peasair pònair snèap milseag reòiteag teòclaid gràn coirce eòrna taigh doras
uinneag mullach balla làr staidhre seòmar cidsin gàrradh feansa geata iuchair glas bòrd cathair
leabaidh preas sgeilp sgàthan lampa coinneal cloc cùirtear cluasag plaide siabann bruis cìr
bobhla truinnsear muga cupa glainne spàin forc sgian poit praidhpan coire crogan botal basgaid
bucaid sguab fàradh òrd tarrang ròp sreang snàthad snàth putan siosar sgàilean baga màileid
sporan fàinne rioban ad bonaid miotag còta seacaid geansaidh lèine sgiort dreasa briogais
stocainn bròg bòtann crios taidh pòcaid aparan ceann sùil cluas sròn beul fiacail teanga feusag
amhaich gualainn gàirdean làmh meur uilleann glùin cas cridhe falt cnàimh òrdag smiogaid aodann
grian gealach rionnag speur adhar sgòth neul sneachd deigh gaoth stoirm ceò drùchd reothadh
beinn cnoc gleann abhainn allt loch lochan muir cuan tonn tràigh gainmheach clach creag eilean
coille craobh duilleag geug freumh flùr ròs lili neòinean fraoch feur còinneach raineach darach
giuthas beithe seileach caorann calltainn leamhan teine smùid talamh achadh machair raon
cladach rubha sliabh monadh bruach eas tobar fuaran linne caolas bàgh uamh fàsach baile sràid
rathad drochaid margadh bùth sgoil caisteal tùr port cala stèisean trèana bus càr baidhsagal
bàta long itealan rocaid tractar cairt curach seòl ràmh acair sabhal bothan leabhar leabhran
peansail peann pàipear litir cèis stampa mapa dealbh peant cailc giotàr fìdheall druma feadag
trombaid piàna clàrsach clag pìob rèidio fòn camara ball doileag iteileag tàileasg bonn airgead
òr copar iarann màthair athair bràthair piuthar seanmhair seanair uncail leanabh pàiste caraid
nàbaidh dotair tidsear còcaire bèicear tuathanach iasgair seòladair pìleat peantair tàillear
britheamh rìgh banrigh ridire dràgon famhair draoidh taibhse bàrd pìobaire sgoilear aon dhà trì
ceithir còig sia seachd ochd naoi deich dusan fichead ceud mìle leth dearg gorm uaine buidhe
purpaidh pinc donn dubh geal liath toilichte sona sàmhach ciùin treun còir fortanach sunndach
luath blàth glic math mòr beag snog laghach àlainn brèagha bòidheach fionnar tioram earrach
samhradh foghar geamhradh madainn feasgar oidhche latha seachdain bliadhna mìos ceòl òran
dannsa sgeulachd obair biadh deoch dìnnear lòn bracaist cèilidh fèis cuirm solas sìth dòchas
fàilte sonas misneach beatha ceàrd clachair saor gobha buachaille sealgair marcaiche ceannard
sùgradh gàire fuaim guth facal ainm sgeul rann dàn ceist freagairt cuimhne smuain aisling
""".split())

# Polish.
POLISH: tuple[str, ...] = tuple("""
pies kot koń kogut owca koza kucyk kaczka gęś indyk królik mysz wiewiórka jeż lis wilk zając
sarna jeleń łoś żubr bóbr wydra foka wieloryb delfin rekin ryba śledź karp łosoś pstrąg żaba
wąż jaszczurka żółw ślimak motyl pszczoła osa mrówka pająk biedronka komar ptak wróbel sikorka
sowa orzeł sokół jastrząb kruk wrona gołąb bocian łabędź papuga pingwin struś słoń lew tygrys
żyrafa zebra lama wielbłąd kangur panda krokodyl krab homar chleb bułka masło ser mleko jajko
miód dżem zupa sałatka ryż makaron kasza mąka cukier sól pieprz herbata kawa kakao sok woda
ciasto tort pączek naleśnik kiełbasa szynka jabłko gruszka śliwka wiśnia truskawka malina
jagoda winogrono cytryna pomarańcza banan ananas arbuz melon morela orzech kokos marchewka
ziemniak cebula czosnek pomidor ogórek kapusta sałata groch fasola burak dynia seler kukurydza
grzyb oliwka imbir cynamon wanilia czekolada cukierek lody jogurt rogal precel dom drzwi okno
dach ściana podłoga schody pokój kuchnia łazienka sypialnia piwnica strych garaż ogród płot
brama furtka klucz zamek stół krzesło łóżko szafa półka lustro lampa świeca zegar dywan zasłona
poduszka kołdra koc ręcznik mydło szczotka grzebień miska talerz kubek filiżanka szklanka łyżka
widelec nóż garnek patelnia czajnik słoik butelka koszyk wiadro miotła drabina młotek gwóźdź
śruba sznurek lina igła nitka guzik nożyczki parasol torba walizka portfel okulary zegarek
pierścionek korale wstążka czapka kapelusz szalik rękawiczka płaszcz kurtka sweter koszula
spódnica sukienka spodnie skarpeta but kalosz sandał pasek krawat kieszeń fartuch głowa oko
ucho nos usta ząb język broda szyja ramię ręka dłoń palec łokieć kolano noga stopa pięta serce
włos kciuk twarz czoło słońce księżyc gwiazda niebo chmura deszcz śnieg lód wiatr burza tęcza
mgła rosa szron góra wzgórze dolina rzeka potok jezioro staw morze ocean fala plaża piasek
kamień skała wyspa las drzewo liść gałąź korzeń kwiat róża tulipan lilia stokrotka mak trawa
mech paproć dąb sosna brzoza klon wierzba jabłoń lipa świerk buk kasztan żołądź szyszka ogień
dym ziemia pole łąka sad wulkan jaskinia pustynia źródło miasto wieś ulica droga most rynek
sklep szkoła wieża port stacja pociąg tramwaj autobus samochód rower łódź statek samolot
rakieta traktor wóz taczka kajak żagiel wiosło kotwica latarnia książka zeszyt ołówek kredka
pióro papier list koperta znaczek mapa globus obraz farba pędzel kreda tablica gitara skrzypce
bęben flet trąbka pianino harfa dzwon gwizdek radio telefon aparat piłka lalka latawiec klocki
bańka mama tata brat siostra babcia dziadek wujek ciocia kuzyn dziecko przyjaciel sąsiad lekarz
nauczyciel kucharz piekarz rolnik rybak żeglarz pilot strażak listonosz malarz krawiec sędzia
król królowa rycerz smok olbrzym czarodziej duch jeden dwa trzy cztery pięć sześć siedem osiem
dziewięć dziesięć sto czerwony niebieski zielony żółty fioletowy różowy brązowy czarny biały
szary złoty srebrny wesoły słoneczny cichy łagodny dzielny spokojny mądry miły radosny szybki
śmieszny czysty ciepły dobry duży mały wiosna lato jesień zima ranek wieczór noc dzień tydzień
rok złoto srebro miedź żelazo stal muzyka piosenka taniec bajka zabawa praca obiad kolacja
śniadanie deser święto uśmiech
""".split())

# Korean.
KOREAN: tuple[str, ...] = tuple("""
개 고양이 말 소 양 염소 돼지 닭 오리 거위 토끼 다람쥐 여우 늑대 곰 사슴 수달 물개 고래 돌고래
상어 물고기 연어 개구리 뱀 거북 달팽이 나비 벌 개미 거미 잠자리 매미 새 참새 부엉이 올빼미
독수리 매 까마귀 까치 비둘기 백조 앵무새 펭귄 타조 코끼리 사자 호랑이 기린 얼룩말 원숭이 낙타
캥거루 판다 악어 하마 게 새우 오징어 문어 조개 갈매기 제비 학 병아리 강아지 송아지 망아지 꿀벌
빵 버터 치즈 우유 달걀 꿀 잼 국 밥 쌀 국수 떡 김치 두부 만두 설탕 소금 후추 차 커피 주스 물
케이크 과자 사탕 초콜릿 사과 배 자두 체리 딸기 포도 레몬 귤 오렌지 바나나 수박 참외 복숭아 감
밤 호두 땅콩 당근 감자 고구마 양파 마늘 토마토 오이 배추 상추 콩 옥수수 호박 버섯 무 고추 생강
파 시금치 김밥 도시락 집 문 창문 지붕 벽 바닥 계단 방 부엌 화장실 침실 마당 정원 울타리 대문
열쇠 자물쇠 책상 의자 침대 옷장 선반 거울 램프 촛불 시계 커튼 베개 이불 담요 수건 비누 칫솔 빗
그릇 접시 컵 잔 숟가락 젓가락 포크 칼 냄비 주전자 병 바구니 양동이 빗자루 사다리 망치 못 밧줄
끈 바늘 실 단추 가위 우산 가방 지갑 안경 반지 목걸이 리본 상자 소파 냉장고 전등 부채 방석 모자
목도리 장갑 외투 재킷 스웨터 셔츠 치마 원피스 바지 양말 신발 장화 샌들 허리띠 넥타이 주머니
앞치마 한복 운동화 머리 눈 귀 코 입 혀 턱 목 어깨 팔 손 손가락 팔꿈치 무릎 다리 발 발가락 심장
얼굴 이마 볼 엄지 해 태양 달 별 하늘 구름 비 얼음 바람 폭풍 무지개 안개 이슬 서리 산 언덕
골짜기 강 시내 호수 연못 바다 파도 해변 모래 돌 바위 섬 숲 나무 나뭇잎 가지 뿌리 꽃 장미 튤립
백합 데이지 국화 진달래 개나리 풀 이끼 소나무 참나무 대나무 단풍 벚꽃 불 연기 땅 흙 들판 밭 논
과수원 화산 동굴 사막 샘 폭포 우물 절벽 초원 도시 마을 거리 길 시장 가게 학교 성 탑 항구 역
기차 전철 버스 자동차 자전거 보트 비행기 로켓 트랙터 트럭 수레 카누 돛 닻 등대 공원 병원 도서관
우체국 식당 시골 농장 헛간 책 공책 연필 펜 종이 편지 봉투 우표 지도 그림 물감 붓 분필 칠판 기타
북 피리 나팔 피아노 하프 종 라디오 전화 사진기 공 인형 장난감 퍼즐 풍선 동전 금 구리 철 보석
진주 자석 바퀴 엔진 깃발 텐트 양초 엄마 아빠 형 누나 언니 오빠 동생 할머니 삼촌 이모 고모 사촌
아기 아이 친구 이웃 의사 선생님 요리사 제빵사 농부 어부 선원 조종사 화가 가수 판사 왕 여왕 기사
용 거인 마법사 광대 학생 선장 하나 둘 셋 넷 다섯 여섯 일곱 여덟 아홉 열 스물 마흔 쉰 백 빨강
파랑 초록 노랑 보라 분홍 갈색 검정 하양 회색 금색 은색 기쁨 행복 웃음 평화 희망 사랑 용기 지혜
친절 행운 봄 여름 가을 겨울 아침 점심 저녁 낮 오늘 내일 주말 노래 춤 음악 이야기 놀이 소풍 선물
생일 잔치 축제 여행 그네 썰매
""".split())
