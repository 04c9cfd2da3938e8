"""Demo data: names of Javanese, Banjar, Bugis, Kutai/Paser and Dayak flavour, birth places,
streets and home regions."""

from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    return tuple(name.replace("_", " ") for name in text.split())


@dataclass(frozen=True)
class Flavour:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    male_titles: tuple[str, ...] = ()
    female_titles: tuple[str, ...] = ()
    two_part: float = 0.6  # share of names with a second part


FLAVOURS = {
    "jawa": Flavour(
        male=_words("""Slamet Sutrisno Suparman Sugeng Bambang Joko Agus Budi Heru Wahyu Eko Dwi
            Hadi Sarwono Widodo Sugiarto Supriyadi Teguh Purnomo Santoso Prasetyo Gunawan
            Kusnadi Mulyono Tukiman Paijo Sukirman Riyanto Suwarno Parjo Hartono Susilo
            Yulianto Rudi Anto Aris Dedi Bagus Adi Rahmat Ilham Sutarjo Warsito Tri Darmaji
            Sumarno Wagiman Sukardi Edi Yanto Dimas Rizky Fajar Bayu Galih"""),
        female=_words("""Sri Siti Suminah Sumiati Sulastri Suparmi Tumini Wartini Sukarsih Ngatini
            Painem Tukinem Endang Rini Wulan Dewi Lestari Ratna Yuni Nanik Purwanti Suryani
            Kartini Murni Winarsih Setyowati Puji Ambarwati Widayati Indah Ayu Sumarni Partini
            Wahyuni Rahayu Tuminah Sukinah Mujiati Siti_Aminah Sri_Rahayu Tri_Wahyuni"""),
        family=_words("""Santoso Wibowo Prasetyo Nugroho Saputra Susanto Hidayat Kurniawan Setiawan
            Wijaya Purnomo Suryono Hartono Utomo Pratama Rahayu Lestari Wulandari Handayani
            Kusumawati Anggraini Pertiwi Puspitasari Maharani Safitri Ningsih Ningrum Astuti
            Susanti Wahyudi Sulistyo Raharjo Hermawan Firmansyah Kuncoro Sasongko Widiastuti"""),
        two_part=0.6,
    ),
    "banjar": Flavour(
        male=_words("""Muhammad Ahmad Abdul Rahmadi Syahrani Norhadi Fahrul Jumberi Masrani Asmuni
            Husin Syamsudin Samsudin Anang Utuh Ijai Rusdi Arbain Jailani Mahyuni Samsuri
            Basrani Taufik Sarbini Saberan Zainal Riduan Hamdani Ridwan Syahrul Norman Mursyid
            Fauzi Hairil Abdurrahman Salman Aspiannor Mukhlis Khairil Muhamad Noor Jumadi"""),
        female=_words("""Norhayati Noorjannah Norjanah Norma Mahrita Rusmini Jumiati Aluh Galuh
            Masniah Rabiatul Salasiah Nurul Rahmah Mariana Fatimah Saidah Halimah Mahrani
            Nor_Laila Aminah Zubaidah Raudah Masitah Nurhasanah Jamilah Siti_Aisyah Hayati
            Rusmilawati Syarifah Kamariah Noorhidayah Masrupah Rahimah Nor_Aida Siti_Jubaidah"""),
        family=_words("""Hidayatullah Rahman Rahim Ansyari Fitriani Noor Syarifuddin Basri Arsyad
            Fadillah Hasbullah Aini Maulidah Jannah Rahmadani Hairani Husaini Hamdan Gazali
            Akbar Rahmatullah Sofyan Ramadhani Nor_Ilmi Hayati Ariadi Mahmud Hasanah"""),
        male_titles=_words("Gusti Muhammad Ahmad"),
        female_titles=_words("Gusti Siti"),
        two_part=0.55,
    ),
    "bugis": Flavour(
        male=_words("""Ambo Baso Muhammad Hasanuddin Syamsul Muh._Arsyad Sulaiman Abdullah Haris
            Rusli Ismail Jamaluddin Amiruddin Nasrullah Tajuddin Muhammad_Yusuf Firman Irwan
            Asri Zulkifli Sudirman Bahar Rahmat Mansur Jufri Syahrir Kaharuddin Hasbi Muhtar
            Arifin Bachtiar Ilyas Nurdin Sainuddin Anwar Jusman Mustari Saharuddin Baharuddin"""),
        female=_words("""Hasnawati Nurhayati Nurhayaty Sitti Hasmiah Rosmini Nurlina Suriani
            Hamsiah Darmawati Jumriah Megawati Sunarti Hajrah Nurjannah Ratnawati Masniati
            Rahmawati Kasmawati Mardiana Irmawati Hasnah Salmawati Nurbaya Sitti_Aminah
            Haslinda Rosdiana Nursiah Andriani Kartika Hasriani Nurmala Sulfiani"""),
        family=_words("""Daeng_Matta Baso Tang Lolo Pawellangi Mappanganro Tenri Rahman Ramli
            Amir Salim Sulaiman Mustafa Saleh Syam Latif Hamzah Tahir Nur Bakri Mappiare
            Lamba Sompa Beddu Mallombasi Makkasau Pananrangi Hasyim Ruslan"""),
        male_titles=_words("Andi Andi La"),
        female_titles=_words("Andi Andi"),
        two_part=0.55,
    ),
    "melayu": Flavour(  # Kutai, Paser and Berau Malay
        male=_words("""Syahril Sainal Rusdiansyah Syahruddin Jubaidi Johansyah Herliansyah
            Rahmadansyah Ardiansyah Irwansyah Hendriansyah Fadliansyah Kasim Imran Saipul
            Arsyad Mansyur Idrus Sofyan Syaiful Rusdi Ramli Hamdan Awang_Faisal Jumransyah
            Marhaban Syarkawi Salehuddin Aspian Hairul Jaelani Mahmudin Effendi Rizal Safruddin"""),
        female=_words("""Mardiana Rusmiati Syamsiah Hairiah Aprianti Herlina Nurbaiti Rosita
            Marlina Masrah Rahmiati Hamsiah Saniah Jamrah Kamariah Norsiah Fitriyani Jumiati
            Rusnah Hadijah Maimunah Normala Siti_Rahmah Khairunnisa Juwita Marsiah Salmah"""),
        family=_words("""Ansyah Syahrani Syahruddin Hadiansyah Irawan Mansyur Rusdi Yusuf Idris
            Effendi Muis Saleh Aminuddin Jumadil Ramadhan Kurniansyah Saputra Maulana
            Hidayat Darmawansyah Syafrudin Nasution Anshari Fahmi Rifai"""),
        male_titles=_words("Aji Awang Aji"),
        female_titles=_words("Aji Dayang"),
        two_part=0.5,
    ),
    "dayak": Flavour(
        male=_words("""Yohanes Petrus Paulus Stefanus Yosef Markus Lukas Agustinus Fransiskus
            Antonius Lahang Ajang Ding Lung Ibau Hanyeq Lejau Jalung Bilung Lawing Hang Ngau
            Juk Unyang Yakobus Benediktus Kristian Simon Dominikus Ignasius Emanuel Hendrikus
            Yulius Matius Anyeq Usat Jiu Laing Merang Bo"""),
        female=_words("""Maria Yuliana Magdalena Theresia Veronika Agustina Fransiska Margaretha
            Elisabeth Katarina Lusia Monika Yasinta Ingan Lenjau Anyeq Uring Bulan Ping Ubung
            Lirung Bungan Hanya Asung Ibeq Yovita Natalia Kristina Martina Rosalina Bernadeta
            Imelda Dayang Ubang Lencau"""),
        family=_words("""Lahang Ajang Jalung Ding Lawing Bilung Ibau Hanyeq Ingan Lejau Anyeq Ngau
            Bit Uyang Laing Lencau Merang Hibau Jau Usat Luhat Tingang Beluluq Huvang Hurang
            Lerang Ngang Avun Jiu Ledung Ahang Bong Lii Ipui Hudoq Lenjau Taman Imang"""),
        two_part=0.8,
    ),
    "lain": Flavour(  # Batak, Toraja, Manado, Flores, Timor, Chinese-Indonesian
        male=_words("""Robert Daniel Jhonson Hendra Frans Samuel Ferdinand Albert Marthen
            Yosua Rudolf Hendrik Benyamin Obed Victor Gerson Andreas Steven Ronald Kevin Budiman
            Hendrawan Sutanto Lukman Jefri Ricky Alfons Melkianus"""),
        female=_words("""Ruth Debora Yohana Grace Merry Lidya Sarah Hana Febriyanti Ester Rosa
            Yuliani Meilani Sinta Susana Clara Helena Lenny Rina Mega Natalia Selvi Kristin
            Lilis Erna Agnes"""),
        family=_words("""Simanjuntak Siregar Sihombing Nainggolan Pardede Hutapea Situmorang
            Sitorus Manurung Tampubolon Sinaga Pasaribu Tandirerung Pasanda Sampe Rante Palinggi
            Tangdililing Wenas Lumentut Mandagi Rumengan Pandie Fanggidae Tanaem Lamanepa
            Da_Costa Laoli Zebua Halim Tanoto Gunadi"""),
        two_part=0.95,
    ),
}

BIRTH_PLACES_AWAY = {
    "jawa": _words(
        "Surabaya Malang Kediri Banyuwangi Semarang Surakarta Yogyakarta Madiun "
        "Jember Tulungagung Blitar Ponorogo Ngawi Lamongan"
    ),
    "banjar": _words("Banjarmasin Martapura Amuntai Kandangan Barabai Rantau Tanjung Pelaihari"),
    "bugis": _words("Makassar Bone Wajo Sidrap Parepare Soppeng Pinrang Sinjai Bulukumba Palopo"),
    "melayu": _words("Tenggarong Muara_Kaman Kota_Bangun Muara_Muntai Tanjung_Redeb Long_Ikis"),
    "dayak": _words(
        "Long_Bagun Melak Barong_Tongkok Long_Iram Data_Dawai Long_Pahangai "
        "Muara_Wahau Long_Apari Tering Damai"
    ),
    "lain": _words("Medan Pematangsiantar Rantepao Makale Manado Kupang Ende Maumere Ambon"),
}

STREETS = _words("""Jend._Sudirman Ahmad_Yani Diponegoro Gatot_Subroto P._Antasari Pahlawan
    Juanda Kusuma_Bangsa Cendana Flamboyan Merdeka Pramuka Siradj_Salman M.T._Haryono
    Slamet_Riyadi Ruhui_Rahayu Soekarno-Hatta Mulawarman Awang_Long Letjen_Suprapto Imam_Bonjol
    Hasanuddin Pangeran_Suryanata Kadrie_Oening Wahid_Hasyim Bhayangkara Sultan_Alimuddin
    Pesut Lembuswana Mahakam Manggis Rambutan Durian Kenanga Anggrek Teratai Poros_Desa""")

STREET_SPOTS = {
    "64.72": _words("""Simpang_Lembuswana Lampu_merah_Air_Hitam Pasar_Segiri Terminal_Sungai_Kunjang
        Simpang_Empat_Sempaja Jl._Pahlawan Tepian_Mahakam Pasar_Pagi Simpang_Mal_Lembuswana
        Taman_Samarendah Jembatan_Mahkota_II Pasar_Merdeka"""),
    "64.71": _words("""Simpang_Muara_Rapak Lampu_merah_Gunung_Malang Pasar_Pandansari
        Terminal_Batu_Ampar Lapangan_Merdeka Simpang_Plaza_Balikpapan Pasar_Klandasan
        Bundaran_Tugu_Adipura Jl._Jend._Sudirman Pantai_Manggar"""),
}
LOKALISASI = {
    "64.72": ("Bayur (Samarinda Utara)", "Solong", "Loa Hui"),
    "64.71": ("Km 17 Karang Joang (Lembah Harapan Baru)", "Manggar Sari"),
    "64.02": ("Kitadin", "Km 10 Loa Janan"),
}
HOME_REGIONS = (
    "Jawa Timur",
    "Jawa Tengah",
    "Jawa Barat",
    "Sulawesi Selatan",
    "Kalimantan Selatan",
    "Nusa Tenggara Barat",
    "Sulawesi Tengah",
)
