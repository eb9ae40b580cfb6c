/**
 * @module datasets/cohort/conditions — the clinical tables of the synthetic cohort: common chronic conditions
 * with age- and sex-specific prevalence, acute episodes, and the drugs (ATC-like codes) each is treated with.
 *
 * The numbers are rounded approximations in the spirit of Japanese surveys (国民健康・栄養調査, 患者調査) chosen by
 * hand for plausibility, not fitted to any table: see README.md ("What is realistic, what is not").
 * ICD-10 codes are WHO ICD-10 codes in dot form; drug codes are WHO ATC level-5 codes written from general
 * knowledge and not verified against the (licence-restricted) ATC index, hence "ATC-like".
 */

/** Ages at which prevalence knots are given; linear in between, flat beyond the ends. */
export const AGE_KNOTS = [0, 20, 30, 40, 50, 60, 70, 80, 90] as const;

/** A chronic condition: share of persons with it recorded in the 5-year window, by sex and age knot. */
export interface Chronic {
  /** Short name (documentation only). */
  name: string;
  /** ICD-10 codes and their relative weights; a patient keeps one code for the whole window. */
  codes: Array<[string, number]>;
  /** Prevalence at AGE_KNOTS for men and women. */
  male: number[];
  female: number[];
  /** Log-odds shift per unit of the patient's latent metabolic risk (0 = unrelated). */
  metabolic: number;
  /** Probability that the condition is treated with drugs, and the drug choices (code, weight). */
  treated: number;
  drugs: Array<[string, number]>;
  /** Months in which new (incident) records concentrate, 1-based; empty = any month. */
  season?: number[];
}

const both = (v: number[]) => ({ male: v, female: v });
const scaled = (v: number[], f: number) => v.map((x) => x * f);

/** Common chronic conditions (the head of the prevalence distribution). */
export const CHRONIC: Chronic[] = [
  {
    name: 'hypertension',
    codes: [['I10', 1]],
    male: [0, 0.005, 0.02, 0.07, 0.17, 0.3, 0.42, 0.5, 0.52],
    female: [0, 0.002, 0.01, 0.04, 0.1, 0.22, 0.37, 0.48, 0.52],
    metabolic: 0.6,
    treated: 0.9,
    drugs: [
      ['C08CA01', 5], // amlodipine
      ['C09CA08', 2], // olmesartan
      ['C09CA07', 2], // telmisartan
      ['C09CA06', 1.5], // candesartan
      ['C09CA03', 1], // valsartan
      ['C09CA04', 1], // irbesartan
      ['C03AA03', 0.5], // hydrochlorothiazide
      ['C07AB07', 0.5], // bisoprolol
    ],
  },
  {
    name: 'type 2 diabetes',
    codes: [
      ['E11.9', 55],
      ['E11.2', 12],
      ['E11.6', 10],
      ['E11.3', 10],
      ['E11.4', 8],
      ['E11.5', 5],
    ],
    male: [0, 0.001, 0.005, 0.02, 0.06, 0.12, 0.17, 0.18, 0.15],
    female: [0, 0.001, 0.003, 0.01, 0.025, 0.05, 0.09, 0.11, 0.1],
    metabolic: 0.9,
    treated: 0.85,
    drugs: [
      ['A10BH01', 3], // sitagliptin
      ['A10BH05', 2.5], // linagliptin
      ['A10BH02', 1.5], // vildagliptin
      ['A10BA02', 3], // metformin
      ['A10BK01', 1.5], // dapagliflozin
      ['A10BK03', 1.5], // empagliflozin
      ['A10BB12', 1], // glimepiride
      ['A10AE04', 0.7], // insulin glargine
    ],
  },
  {
    name: 'dyslipidaemia',
    codes: [
      ['E78.5', 55],
      ['E78.0', 30],
      ['E78.1', 10],
      ['E78.2', 5],
    ],
    male: [0, 0.005, 0.02, 0.06, 0.12, 0.2, 0.25, 0.24, 0.18],
    female: [0, 0.003, 0.01, 0.03, 0.1, 0.26, 0.33, 0.3, 0.22],
    metabolic: 0.5,
    treated: 0.8,
    drugs: [
      ['C10AA07', 4], // rosuvastatin
      ['C10AA05', 3], // atorvastatin
      ['C10AA08', 2], // pitavastatin
      ['C10AX09', 1.5], // ezetimibe
    ],
  },
  {
    name: 'hyperuricaemia',
    codes: [['E79.0', 1]],
    male: [0, 0.005, 0.03, 0.06, 0.08, 0.09, 0.09, 0.08, 0.06],
    female: [0, 0, 0.002, 0.003, 0.005, 0.01, 0.02, 0.02, 0.02],
    metabolic: 0.5,
    treated: 0.85,
    drugs: [
      ['M04AA03', 3], // febuxostat
      ['M04AA01', 2], // allopurinol
    ],
  },
  {
    name: 'gastro-oesophageal reflux',
    codes: [['K21.9', 1]],
    ...both([0, 0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.09, 0.09]),
    metabolic: 0.2,
    treated: 0.9,
    drugs: [
      ['A02BC08', 3], // vonoprazan
      ['A02BC05', 2], // esomeprazole
      ['A02BC03', 2], // lansoprazole
      ['A02BA03', 1], // famotidine
    ],
  },
  {
    name: 'chronic gastritis',
    codes: [['K29.5', 1]],
    ...both([0.002, 0.02, 0.04, 0.05, 0.07, 0.09, 0.11, 0.12, 0.12]),
    metabolic: 0,
    treated: 0.7,
    drugs: [
      ['A02BX14', 3], // rebamipide
      ['A02BA03', 2], // famotidine
    ],
  },
  {
    name: 'osteoporosis',
    codes: [['M81.0', 1]],
    male: [0, 0, 0, 0, 0.002, 0.006, 0.02, 0.05, 0.08],
    female: [0, 0, 0, 0.002, 0.01, 0.05, 0.14, 0.25, 0.3],
    metabolic: 0,
    treated: 0.85,
    drugs: [
      ['A11CC03', 2], // alfacalcidol
      ['M05BA04', 2], // alendronic acid
      ['M05BA07', 2], // risedronic acid
      ['M05BX04', 0.5], // denosumab
    ],
  },
  {
    name: 'knee osteoarthritis',
    codes: [['M17.9', 1]],
    male: [0, 0, 0.001, 0.005, 0.015, 0.03, 0.06, 0.08, 0.08],
    female: [0, 0, 0.002, 0.01, 0.03, 0.07, 0.12, 0.16, 0.16],
    metabolic: 0.4,
    treated: 0.7,
    drugs: [
      ['M02AA15', 3], // diclofenac, topical
      ['M01AH01', 2], // celecoxib
      ['N02BE01', 1], // paracetamol
    ],
  },
  {
    name: 'low back pain',
    codes: [['M54.5', 1]],
    ...both([0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.09, 0.08]),
    metabolic: 0.1,
    treated: 0.7,
    drugs: [
      ['M02AA15', 2], // diclofenac, topical
      ['M01AH01', 1.5], // celecoxib
      ['N02BE01', 1], // paracetamol
      ['N03AX16', 1], // pregabalin
    ],
  },
  {
    name: 'atrial fibrillation',
    codes: [['I48.9', 1]],
    male: [0, 0, 0, 0.002, 0.006, 0.015, 0.035, 0.06, 0.07],
    female: [0, 0, 0, 0.001, 0.002, 0.006, 0.015, 0.03, 0.045],
    metabolic: 0.2,
    treated: 0.9,
    drugs: [
      ['B01AF03', 3], // edoxaban
      ['B01AF02', 2.5], // apixaban
      ['B01AF01', 2], // rivaroxaban
      ['B01AA03', 1], // warfarin
      ['C07AB07', 1.5], // bisoprolol
    ],
  },
  {
    name: 'ischaemic heart disease',
    codes: [['I25.1', 1]],
    male: [0, 0, 0.001, 0.005, 0.015, 0.035, 0.06, 0.08, 0.08],
    female: [0, 0, 0, 0.001, 0.004, 0.012, 0.03, 0.05, 0.06],
    metabolic: 0.5,
    treated: 0.95,
    drugs: [
      ['B01AC06', 4], // acetylsalicylic acid
      ['B01AC04', 2], // clopidogrel
      ['B01AC22', 1.5], // prasugrel
      ['C01DA14', 1], // isosorbide mononitrate
    ],
  },
  {
    name: 'heart failure',
    codes: [['I50.9', 1]],
    male: [0, 0, 0, 0.001, 0.003, 0.008, 0.02, 0.05, 0.1],
    female: [0, 0, 0, 0.001, 0.002, 0.006, 0.015, 0.045, 0.1],
    metabolic: 0.3,
    treated: 0.95,
    drugs: [
      ['C03CA01', 4], // furosemide
      ['C03DA01', 2], // spironolactone
      ['C07AB07', 2], // bisoprolol
      ['C07AG02', 1], // carvedilol
      ['C03CA04', 1], // torasemide
    ],
  },
  {
    name: 'sequelae of cerebral infarction',
    codes: [['I69.3', 1]],
    male: [0, 0, 0, 0.002, 0.007, 0.018, 0.035, 0.055, 0.065],
    female: [0, 0, 0, 0.001, 0.004, 0.01, 0.025, 0.045, 0.06],
    metabolic: 0.4,
    treated: 0.9,
    drugs: [
      ['B01AC04', 3], // clopidogrel
      ['B01AC23', 2], // cilostazol
      ['B01AC06', 2], // acetylsalicylic acid
    ],
  },
  {
    name: 'chronic kidney disease',
    codes: [
      ['N18.3', 5],
      ['N18.9', 3],
      ['N18.4', 1.5],
      ['N18.5', 0.5],
    ],
    ...both([0, 0, 0.001, 0.003, 0.008, 0.02, 0.04, 0.07, 0.09]),
    metabolic: 0.5,
    treated: 0.4,
    drugs: [
      ['V03AE02', 1], // sevelamer
      ['B03XA02', 1], // darbepoetin alfa
      ['A07BA01', 2], // medicinal charcoal (AST-120)
    ],
  },
  {
    name: 'hypothyroidism',
    codes: [['E03.9', 1]],
    male: scaled([0, 0.002, 0.006, 0.01, 0.015, 0.02, 0.025, 0.025, 0.02], 0.25),
    female: [0, 0.002, 0.006, 0.01, 0.015, 0.02, 0.025, 0.025, 0.02],
    metabolic: 0,
    treated: 0.8,
    drugs: [['H03AA01', 1]], // levothyroxine
  },
  {
    name: 'pollinosis / allergic rhinitis',
    codes: [
      ['J30.1', 6],
      ['J30.4', 4],
    ],
    ...both([0.05, 0.1, 0.1, 0.09, 0.08, 0.06, 0.04, 0.03, 0.02]),
    metabolic: 0,
    treated: 0.95,
    drugs: [
      ['R06AX26', 3], // fexofenadine
      ['R06AX13', 2], // loratadine
      ['R06AE09', 1.5], // levocetirizine
      ['R03DC03', 1.5], // montelukast
      ['R01AD09', 1.5], // mometasone, nasal
    ],
    season: [2, 3, 4],
  },
  {
    name: 'asthma',
    codes: [['J45.9', 1]],
    ...both([0.05, 0.04, 0.03, 0.03, 0.03, 0.035, 0.04, 0.045, 0.04]),
    metabolic: 0.2,
    treated: 0.95,
    drugs: [
      ['R03AK07', 3], // budesonide and formoterol
      ['R03AK06', 2], // salmeterol and fluticasone
      ['R03DC03', 2], // montelukast
      ['R03AK10', 1], // vilanterol and fluticasone furoate
    ],
  },
  {
    name: 'atopic dermatitis',
    codes: [['L20.9', 1]],
    ...both([0.08, 0.04, 0.025, 0.015, 0.01, 0.008, 0.006, 0.005, 0.005]),
    metabolic: 0,
    treated: 0.95,
    drugs: [
      ['D07AC01', 2], // betamethasone, topical
      ['D07AB02', 2], // hydrocortisone butyrate
      ['D11AH01', 1], // tacrolimus, topical
      ['C05BA01', 3], // heparinoid, topical
    ],
  },
  {
    name: 'insomnia',
    codes: [['G47.0', 1]],
    male: [0, 0.005, 0.015, 0.025, 0.035, 0.05, 0.07, 0.09, 0.1],
    female: scaled([0, 0.005, 0.015, 0.025, 0.035, 0.05, 0.07, 0.09, 0.1], 1.3),
    metabolic: 0,
    treated: 0.95,
    drugs: [
      ['N05CF02', 2], // zolpidem
      ['N05CD09', 2], // brotizolam
      ['N05CJ01', 1.5], // suvorexant
      ['N05CJ02', 1.5], // lemborexant
      ['N05CH01', 1], // melatonin receptor (ramelteon class)
    ],
  },
  {
    name: 'depression',
    codes: [['F32.9', 1]],
    male: scaled([0, 0.01, 0.02, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02], 0.6),
    female: [0, 0.01, 0.02, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02],
    metabolic: 0,
    treated: 0.85,
    drugs: [
      ['N06AB10', 2], // escitalopram
      ['N06AB06', 2], // sertraline
      ['N06AX11', 2], // mirtazapine
      ['N06AX21', 1.5], // duloxetine
    ],
  },
  {
    name: 'glaucoma',
    codes: [['H40.1', 1]],
    ...both([0, 0, 0.002, 0.01, 0.02, 0.04, 0.06, 0.07, 0.07]),
    metabolic: 0,
    treated: 0.95,
    drugs: [
      ['S01EE01', 4], // latanoprost
      ['S01ED01', 1.5], // timolol
      ['S01EC03', 1], // dorzolamide
    ],
  },
  {
    name: 'cataract',
    codes: [['H25.9', 1]],
    ...both([0, 0, 0, 0.002, 0.01, 0.04, 0.12, 0.2, 0.22]),
    metabolic: 0.2,
    treated: 0.3,
    drugs: [['S01XA', 1]], // pirenoxine-type eye drops (ATC level 4 only)
  },
  {
    name: 'benign prostatic hyperplasia',
    codes: [['N40', 1]],
    male: [0, 0, 0, 0.003, 0.02, 0.06, 0.12, 0.17, 0.18],
    female: [0, 0, 0, 0, 0, 0, 0, 0, 0],
    metabolic: 0,
    treated: 0.9,
    drugs: [
      ['G04CA04', 3], // silodosin
      ['G04CA02', 2], // tamsulosin
      ['G04CB02', 1], // dutasteride
    ],
  },
  {
    name: 'constipation',
    codes: [['K59.0', 1]],
    male: scaled([0.02, 0.01, 0.015, 0.015, 0.02, 0.03, 0.06, 0.1, 0.14], 0.6),
    female: [0.02, 0.01, 0.015, 0.015, 0.02, 0.03, 0.06, 0.1, 0.14],
    metabolic: 0,
    treated: 0.95,
    drugs: [
      ['A06AD02', 5], // magnesium oxide
      ['A06AB06', 1], // senna glycosides
      ['A06AX03', 1], // lubiprostone
    ],
  },
  {
    name: 'Alzheimer disease',
    codes: [['G30.9', 1]],
    male: [0, 0, 0, 0, 0.0005, 0.002, 0.01, 0.05, 0.12],
    female: scaled([0, 0, 0, 0, 0.0005, 0.002, 0.01, 0.05, 0.12], 1.4),
    metabolic: 0,
    treated: 0.8,
    drugs: [
      ['N06DA02', 3], // donepezil
      ['N06DX01', 2], // memantine
      ['N06DA04', 1], // galantamine
    ],
  },
  {
    name: 'chronic hepatitis B',
    codes: [['B18.1', 1]],
    ...both([0, 0.001, 0.002, 0.003, 0.004, 0.004, 0.004, 0.003, 0.002]),
    metabolic: 0,
    treated: 0.6,
    drugs: [
      ['J05AF10', 2], // entecavir
      ['J05AF13', 1], // tenofovir alafenamide
    ],
  },
  {
    name: 'stomach cancer',
    codes: [['C16.9', 1]],
    male: [0, 0, 0.0005, 0.001, 0.004, 0.01, 0.02, 0.025, 0.025],
    female: [0, 0, 0.0003, 0.0005, 0.002, 0.005, 0.01, 0.013, 0.013],
    metabolic: 0,
    treated: 0.5,
    drugs: [
      ['L01BC53', 2], // tegafur combinations (S-1)
      ['L01BC06', 1], // capecitabine
    ],
  },
  {
    name: 'colon cancer',
    codes: [['C18.9', 1]],
    ...both([0, 0, 0.0003, 0.001, 0.003, 0.007, 0.013, 0.018, 0.02]),
    metabolic: 0.2,
    treated: 0.5,
    drugs: [
      ['L01BC06', 2], // capecitabine
      ['L01XA03', 1], // oxaliplatin
      ['L01BC53', 1], // tegafur combinations
    ],
  },
  {
    name: 'lung cancer',
    codes: [['C34.9', 1]],
    male: [0, 0, 0, 0.0005, 0.002, 0.006, 0.012, 0.015, 0.012],
    female: [0, 0, 0, 0.0003, 0.001, 0.003, 0.006, 0.008, 0.006],
    metabolic: 0,
    treated: 0.6,
    drugs: [
      ['L01FF02', 2], // pembrolizumab
      ['L01EB03', 1], // erlotinib
      ['L01EB04', 1.5], // osimertinib
      ['L01XA02', 1], // carboplatin
    ],
  },
  {
    name: 'breast cancer',
    codes: [['C50.9', 1]],
    male: [0, 0, 0, 0, 0, 0.00005, 0.0001, 0.0001, 0.0001],
    female: [0, 0, 0.001, 0.006, 0.012, 0.014, 0.013, 0.01, 0.008],
    metabolic: 0.1,
    treated: 0.8,
    drugs: [
      ['L02BG03', 2], // anastrozole
      ['L02BG04', 2], // letrozole
      ['L02BA01', 1.5], // tamoxifen
    ],
  },
  {
    name: 'prostate cancer',
    codes: [['C61', 1]],
    male: [0, 0, 0, 0, 0.001, 0.008, 0.025, 0.04, 0.04],
    female: [0, 0, 0, 0, 0, 0, 0, 0, 0],
    metabolic: 0,
    treated: 0.8,
    drugs: [
      ['L02BB03', 2], // bicalutamide
      ['L02AE02', 1.5], // leuprorelin
      ['L02BB04', 1], // enzalutamide
    ],
  },
];

/** An acute condition: one episode = one visit; weights by age group (child < 15, adult, 65+). */
export interface Acute {
  code: string;
  weights: [number, number, number];
  /** Multiplier for women (1 = same as men). */
  female?: number;
  /** Months with 3× weight (1-based). */
  season?: number[];
  /** First possible date as a day index from the window start (e.g. COVID-19 from 2020-02). */
  fromDay?: number;
  drugs: Array<[string, number]>;
  /** Probability of a prescription at the visit. */
  treated: number;
}

/** Acute conditions, weighted; every person has a Poisson number of episodes over the window. */
export const ACUTE: Acute[] = [
  {
    code: 'J06.9',
    weights: [10, 8, 5],
    treated: 0.8,
    drugs: [
      ['N02BE01', 3], // paracetamol
      ['R05CB03', 3], // carbocisteine
      ['R05DB13', 1], // tipepidine-type antitussive
      ['J01DD15', 1], // cefdinir
    ],
  },
  {
    code: 'J20.9',
    weights: [3, 2, 3],
    treated: 0.85,
    drugs: [
      ['J01FA09', 2], // clarithromycin
      ['R05CB03', 2], // carbocisteine
      ['J01FA10', 1], // azithromycin
    ],
  },
  {
    code: 'J02.9',
    weights: [3, 2, 1],
    treated: 0.8,
    drugs: [
      ['J01CA04', 2], // amoxicillin
      ['N02BE01', 1], // paracetamol
    ],
  },
  {
    code: 'A09',
    weights: [4, 2, 1.5],
    treated: 0.7,
    drugs: [
      ['A07FA01', 3], // lactic acid producing organisms
      ['A03FA03', 2], // domperidone
    ],
  },
  {
    code: 'J11.1',
    weights: [3, 1.5, 1],
    season: [12, 1, 2],
    treated: 0.9,
    drugs: [
      ['J05AH02', 3], // oseltamivir
      ['J05AX25', 2], // baloxavir marboxil
      ['J05AH01', 1], // zanamivir
    ],
  },
  {
    code: 'U07.1',
    weights: [1.5, 2, 1.5],
    fromDay: 396, // 2020-02-01
    treated: 0.5,
    drugs: [
      ['N02BE01', 4], // paracetamol
      ['J05AE30', 1], // nirmatrelvir and ritonavir
    ],
  },
  {
    code: 'H10.9',
    weights: [2, 1, 0.8],
    treated: 0.9,
    drugs: [['S01AE05', 1]], // levofloxacin, eye drops
  },
  {
    code: 'H66.9',
    weights: [3, 0.2, 0.1],
    treated: 0.9,
    drugs: [['J01CA04', 1]], // amoxicillin
  },
  {
    code: 'L30.9',
    weights: [2, 2, 2],
    treated: 0.9,
    drugs: [['D07AC01', 1]], // betamethasone, topical
  },
  {
    code: 'T14.0',
    weights: [2, 1, 1],
    treated: 0.4,
    drugs: [['D08AG02', 1]], // povidone-iodine
  },
  {
    code: 'S93.4',
    weights: [1, 1, 0.3],
    treated: 0.8,
    drugs: [['M02AA15', 1]], // diclofenac, topical
  },
  {
    code: 'R51',
    weights: [0.5, 1, 0.5],
    female: 1.5,
    treated: 0.8,
    drugs: [
      ['N02BE01', 2], // paracetamol
      ['N02CC01', 1], // sumatriptan
    ],
  },
  {
    code: 'N39.0',
    weights: [0.2, 0.25, 0.8],
    female: 3,
    treated: 0.95,
    drugs: [
      ['J01MA12', 2], // levofloxacin
      ['J01DD16', 1], // cefditoren
    ],
  },
  {
    code: 'J18.9',
    weights: [0.5, 0.3, 1.5],
    treated: 0.95,
    drugs: [
      ['J01MA12', 2], // levofloxacin
      ['J01CR02', 2], // amoxicillin and clavulanic acid
    ],
  },
  {
    code: 'B02.9',
    weights: [0.05, 0.4, 1],
    treated: 0.95,
    drugs: [
      ['J05AB11', 2], // valaciclovir
      ['J05AB15', 1], // amenamevir (as a herpes antiviral)
    ],
  },
];

/**
 * Drugs used for the long tail of rarer diagnoses, by ICD-10 chapter letter: a rare code is treated with
 * one of its chapter's drugs chosen by a hash of the code, so the same rare code always goes with the same drug.
 */
export const TAIL_DRUGS: Record<string, string[]> = {
  A: ['J01CA04', 'J01DD08', 'J01FA10', 'J01MA12', 'J02AC01', 'J04AB02'],
  B: ['J05AB11', 'J02AC01', 'J01FA09', 'P02CA01', 'J05AF10'],
  C: ['L01BC06', 'L01BC53', 'L01XA01', 'L01CD01', 'L01EB02', 'L01FF02', 'L02BA01', 'L02BB03', 'L01FA01'],
  D: ['B03AA07', 'B03BA01', 'B03BB01', 'H02AB06', 'L01FA01', 'L04AX03'],
  E: ['H03BB02', 'H02AA02', 'H01BA02', 'A11CC03', 'H05BA01', 'A16AX07'],
  F: ['N05AX08', 'N05AH04', 'N05AX12', 'N05AN01', 'N06BA04', 'N05BA12'],
  G: ['N03AX14', 'N03AF01', 'N03AG01', 'N04BA02', 'N04BC05', 'N02CC01', 'N07XX02'],
  H: ['S01AE05', 'S01BA07', 'S01EE03', 'N07CA01', 'S01LA05'],
  I: ['C01BD01', 'C01AA05', 'C03DA04', 'B01AC23', 'C08DB01', 'C02CA04'],
  J: ['R03BB04', 'R03AC13', 'J01FA09', 'R05CB03', 'H02AB06', 'L01EX09'],
  K: ['A07EC02', 'L04AB02', 'A05AA02', 'A09AA02', 'A06AD11', 'A02BC05'],
  L: ['D07AC01', 'D06AX09', 'D11AH01', 'L04AX03', 'D05AX02', 'L04AC10'],
  M: ['L04AX03', 'M01AH01', 'M02AA15', 'H02AB06', 'L04AB04', 'M05BA07'],
  N: ['C03CA01', 'V03AE02', 'B03XA01', 'G04BD12', 'H02AB06', 'G04BE03'],
  O: ['G03DA04', 'B03AA07', 'C02AB01'],
  P: ['J01CA04', 'B02BA01'],
  Q: ['C03CA01', 'H02AB06', 'J01CA04'],
  R: ['N02BE01', 'A03FA03'],
  S: ['M02AA15', 'N02BE01', 'J01DB04', 'D08AG02'],
  T: ['M02AA15', 'N02BE01', 'J01DB04', 'V03AB15'],
  U: ['N02BE01'],
};
